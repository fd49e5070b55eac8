#ifndef FTTH_CLIBSSH_SHIM_H
#define FTTH_CLIBSSH_SHIM_H
#include <stdlib.h>
#include <string.h>
#include <libssh/libssh.h>
#include <libssh/server.h>

// libssh's option setters are `void *`-typed: typed wrappers keep the Swift side free of
// pointer casts and make the option's value type part of its name.
static inline int ftth_ssh_set_string(ssh_session session, enum ssh_options_e option, const char *value) {
    return ssh_options_set(session, option, value);
}

static inline int ftth_ssh_set_int(ssh_session session, enum ssh_options_e option, int value) {
    return ssh_options_set(session, option, &value);
}

static inline int ftth_ssh_set_long(ssh_session session, enum ssh_options_e option, long value) {
    return ssh_options_set(session, option, &value);
}

/// Never read ~/.ssh/config or /etc/ssh/ssh_config: a daemon's behaviour must not depend on
/// the files of the account it runs under.
static inline int ftth_ssh_ignore_config(ssh_session session) {
    int no = 0;
    return ssh_options_set(session, SSH_OPTIONS_PROCESS_CONFIG, &no);
}

/// `SHA256:base64` (OpenSSH's fingerprint form) of a public key, or NULL; free with ssh_string_free_char.
static inline char *ftth_ssh_sha256_fingerprint(ssh_key key) {
    unsigned char *hash = NULL;
    size_t length = 0;
    if (ssh_get_publickey_hash(key, SSH_PUBLICKEY_HASH_SHA256, &hash, &length) != 0) {
        return NULL;
    }
    char *text = ssh_get_fingerprint_hash(SSH_PUBLICKEY_HASH_SHA256, hash, length);
    ssh_clean_pubkey_hash(&hash);
    return text;
}

/// The key's base64 blob as in an OpenSSH public key line, or NULL; free with ssh_string_free_char.
static inline char *ftth_ssh_public_key_base64(ssh_key key) {
    char *b64 = NULL;
    if (ssh_pki_export_pubkey_base64(key, &b64) != SSH_OK) {
        return NULL;
    }
    return b64;
}

/// olt-sim's SSH server: typed wrappers over `ssh_bind_options_set`.
static inline int ftth_ssh_bind_set_string(ssh_bind bind, enum ssh_bind_options_e option, const char *value) {
    return ssh_bind_options_set(bind, option, value);
}

static inline int ftth_ssh_bind_set_int(ssh_bind bind, enum ssh_bind_options_e option, int value) {
    return ssh_bind_options_set(bind, option, &value);
}

/// Hands a host key to the bind, which owns it from then on (ssh_bind_free frees it).
static inline int ftth_ssh_bind_import_key(ssh_bind bind, ssh_key key) {
    return ssh_bind_options_set(bind, SSH_BIND_OPTIONS_IMPORT_KEY, key);
}

/// Never read /etc/ssh/libssh_server_config: the simulator's algorithms are its configuration's.
static inline int ftth_ssh_bind_ignore_config(ssh_bind bind) {
    int no = 0;
    return ssh_bind_options_set(bind, SSH_BIND_OPTIONS_PROCESS_CONFIG, &no);
}

/// The password of a password login request. libssh marks the message API deprecated in favour
/// of server callbacks, but it is what a blocking server with a thread per connection wants.
static inline const char *ftth_ssh_message_auth_password(ssh_message message) {
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wdeprecated-declarations"
    return ssh_message_auth_password(message);
#pragma clang diagnostic pop
}

/// Asks for the password in one hidden keyboard-interactive prompt.
static inline int ftth_ssh_ask_password_interactively(ssh_message message, const char *prompt) {
    const char *prompts[1] = {prompt};
    char echo[1] = {0};
    return ssh_message_auth_interactive_request(message, "", "", 1, prompts, echo);
}

#endif
