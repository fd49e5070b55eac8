#ifndef FTTH_CNETSNMP_SHIM_H
#define FTTH_CNETSNMP_SHIM_H
// net-snmp-config.h defines _GNU_SOURCE: the system headers must come first or fd_set clashes.
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/select.h>
#include <sys/time.h>
#include <netinet/in.h>
#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/library/large_fd_set.h>
#include <net-snmp/library/snmpusm.h>
#include <net-snmp/library/scapi.h>
#include <net-snmp/library/keytools.h>
#include <net-snmp/library/transform_oids.h>

// Casted or compound macros do not import into Swift: re-export them as constants.
static const int ftth_SNMP_MSG_GET = SNMP_MSG_GET;
static const int ftth_SNMP_MSG_GETNEXT = SNMP_MSG_GETNEXT;
static const int ftth_SNMP_MSG_GETBULK = SNMP_MSG_GETBULK;
static const int ftth_SNMP_MSG_SET = SNMP_MSG_SET;
static const int ftth_SNMP_MSG_RESPONSE = SNMP_MSG_RESPONSE;
static const int ftth_SNMP_MSG_REPORT = SNMP_MSG_REPORT;

static const u_char ftth_ASN_INTEGER = ASN_INTEGER;
static const u_char ftth_ASN_BIT_STR = ASN_BIT_STR;
static const u_char ftth_ASN_OCTET_STR = ASN_OCTET_STR;
static const u_char ftth_ASN_NULL = ASN_NULL;
static const u_char ftth_ASN_OBJECT_ID = ASN_OBJECT_ID;
static const u_char ftth_ASN_IPADDRESS = ASN_IPADDRESS;
static const u_char ftth_ASN_COUNTER = ASN_COUNTER;
static const u_char ftth_ASN_GAUGE = ASN_GAUGE;
static const u_char ftth_ASN_TIMETICKS = ASN_TIMETICKS;
static const u_char ftth_ASN_OPAQUE = ASN_OPAQUE;
static const u_char ftth_ASN_NSAP = ASN_NSAP;
static const u_char ftth_ASN_COUNTER64 = ASN_COUNTER64;
static const u_char ftth_ASN_UINTEGER = ASN_UINTEGER;
static const u_char ftth_ASN_OPAQUE_COUNTER64 = ASN_OPAQUE_COUNTER64;
static const u_char ftth_ASN_OPAQUE_FLOAT = ASN_OPAQUE_FLOAT;
static const u_char ftth_ASN_OPAQUE_DOUBLE = ASN_OPAQUE_DOUBLE;
static const u_char ftth_ASN_OPAQUE_I64 = ASN_OPAQUE_I64;
static const u_char ftth_ASN_OPAQUE_U64 = ASN_OPAQUE_U64;
static const u_char ftth_SNMP_NOSUCHOBJECT = SNMP_NOSUCHOBJECT;
static const u_char ftth_SNMP_NOSUCHINSTANCE = SNMP_NOSUCHINSTANCE;
static const u_char ftth_SNMP_ENDOFMIBVIEW = SNMP_ENDOFMIBVIEW;

/// What the client hands net-snmp as a request's callback data. net-snmp assumes every
/// callback's data is its own `struct synch_state` when a Report ends a request and writes 0
/// into its first `int` (`waiting`): `netsnmp_scratch` takes that write.
typedef struct ftth_request_tag {
    int netsnmp_scratch;
    int reserved;
    void *owner;
    uint64_t connection;
    uint64_t token;
} ftth_request_tag;

/// `non_repeaters` and `max_repetitions` are macro aliases of `errstat` and `errindex`.
static inline void ftth_pdu_set_bulk(netsnmp_pdu *pdu, long non_repeaters, long max_repetitions) {
    pdu->non_repeaters = non_repeaters;
    pdu->max_repetitions = max_repetitions;
}

/// The protocol OIDs net-snmp exports as arrays (imported as tuples in Swift).
/// which: 0 none, 1 MD5, 2 SHA-1, 3 SHA-256.
static inline oid *ftth_auth_protocol(int which, size_t *length) {
    switch (which) {
    case 1: *length = OID_LENGTH(usmHMACMD5AuthProtocol); return usmHMACMD5AuthProtocol;
    case 2: *length = OID_LENGTH(usmHMACSHA1AuthProtocol); return usmHMACSHA1AuthProtocol;
    case 3: *length = OID_LENGTH(usmHMAC192SHA256AuthProtocol); return usmHMAC192SHA256AuthProtocol;
    default: *length = OID_LENGTH(usmNoAuthProtocol); return usmNoAuthProtocol;
    }
}

/// which: 0 none, 1 DES, 2 AES-128.
static inline oid *ftth_priv_protocol(int which, size_t *length) {
    switch (which) {
#ifndef NETSNMP_DISABLE_DES
    case 1: *length = OID_LENGTH(usmDESPrivProtocol); return usmDESPrivProtocol;
#endif
    case 2: *length = OID_LENGTH(usmAESPrivProtocol); return usmAESPrivProtocol;
    default: *length = OID_LENGTH(usmNoPrivProtocol); return usmNoPrivProtocol;
    }
}

/// Whether this build of net-snmp (and the OpenSSL under it) can encrypt with DES: a real
/// encryption of one block, since OpenSSL 3 may have DES compiled in but not loaded.
static inline int ftth_des_available(void) {
#ifdef NETSNMP_DISABLE_DES
    return 0;
#else
    u_char key[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
    u_char iv[8] = {8, 7, 6, 5, 4, 3, 2, 1};
    u_char plain[8] = {'f', 't', 't', 'h', '-', 'd', 'e', 's'};
    u_char cipher[64];
    size_t cipher_len = sizeof(cipher);
    int rc = sc_encrypt(usmDESPrivProtocol, OID_LENGTH(usmDESPrivProtocol), key, sizeof(key), iv,
                        sizeof(iv), plain, sizeof(plain), cipher, &cipher_len);
    return rc == SNMPERR_SUCCESS && cipher_len >= sizeof(plain);
#endif
}

/// One-time library set-up for a client inside a daemon: no config files from the host or the
/// user's home (they could change defaults such as the client address), no persistent state
/// written to /var/lib/snmp, no SIGALRM timers.
static inline void ftth_netsnmp_init(const char *application) {
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_READ_CONFIGS, 1);
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_LOAD, 1);
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_SAVE, 1);
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_ALARM_DONT_USE_SIG, 1);
    init_snmp(application);
}

/// The UDP socket of an open single-session handle, or -1.
static inline int ftth_sess_socket(void *sessp) {
    netsnmp_transport *transport = snmp_sess_transport(sessp);
    return transport ? transport->sock : -1;
}

/// Time until the earliest outstanding request of the session expires. Returns 1 and fills `tv`
/// when there is one, 0 when the session has nothing outstanding.
static inline int ftth_sess_next_timeout(void *sessp, struct timeval *tv) {
    netsnmp_large_fd_set fds;
    int numfds = 0;
    int block = 1;
    int sock = ftth_sess_socket(sessp);
    netsnmp_large_fd_set_init(&fds, sock >= FD_SETSIZE ? sock + 1 : FD_SETSIZE);
    tv->tv_sec = 0;
    tv->tv_usec = 0;
    snmp_sess_select_info2_flags(sessp, &numfds, &fds, tv, &block, NETSNMP_SELECT_NOALARMS);
    netsnmp_large_fd_set_cleanup(&fds);
    return block ? 0 : 1;
}

/// Reads and processes one datagram of the session (its socket is readable); callbacks run inside.
static inline int ftth_sess_read(void *sessp) {
    netsnmp_large_fd_set fds;
    int sock = ftth_sess_socket(sessp);
    int rc;
    if (sock < 0) {
        return -1;
    }
    netsnmp_large_fd_set_init(&fds, sock >= FD_SETSIZE ? sock + 1 : FD_SETSIZE);
    NETSNMP_LARGE_FD_SET(sock, &fds);
    rc = snmp_sess_read2(sessp, &fds);
    netsnmp_large_fd_set_cleanup(&fds);
    return rc;
}

/// An SNMPv3 engine ID discovery probe (RFC 3414 §4): an empty GET as the empty user, without
/// authentication. The same PDU net-snmp's own blocking probe sends.
static inline netsnmp_pdu *ftth_engine_probe_pdu(void) {
    netsnmp_pdu *pdu = snmp_pdu_create(SNMP_MSG_GET);
    if (pdu == NULL) {
        return NULL;
    }
    pdu->version = SNMP_VERSION_3;
    pdu->securityName = strdup("");
    pdu->securityNameLen = 0;
    pdu->securityLevel = SNMP_SEC_LEVEL_NOAUTH;
    pdu->securityModel = SNMP_SEC_MODEL_USM;
    if (usm_get_user(NULL, 0, "") == NULL) {
        struct usmUser *user = (struct usmUser *)calloc(1, sizeof(struct usmUser));
        if (user == NULL) {
            snmp_free_pdu(pdu);
            return NULL;
        }
        user->name = strdup("");
        user->secName = strdup("");
        user->authProtocolLen = OID_LENGTH(usmNoAuthProtocol);
        user->authProtocol = snmp_duplicate_objid(usmNoAuthProtocol, user->authProtocolLen);
        user->privProtocolLen = OID_LENGTH(usmNoPrivProtocol);
        user->privProtocol = snmp_duplicate_objid(usmNoPrivProtocol, user->privProtocolLen);
        usm_add_user(user);
    }
    return pdu;
}

/// Stores a discovered engine ID in the session (as security and context engine ID) and creates
/// the USM user for it. net-snmp keeps one USM user per engine ID and name, process-wide: with
/// `replace`, an older entry (left by a closed session, maybe with other keys) is dropped first so
/// this session's keys are used; without, an existing entry (same keys) is used as it is.
static inline int ftth_session_set_engine(netsnmp_session *session, const u_char *engine, size_t length,
                                          int replace) {
    struct usmUser *old;
    u_char *security = (u_char *)malloc(length);
    u_char *context = (u_char *)malloc(length);
    if (security == NULL || context == NULL) {
        free(security);
        free(context);
        return SNMPERR_MALLOC;
    }
    memcpy(security, engine, length);
    memcpy(context, engine, length);
    free(session->securityEngineID);
    free(session->contextEngineID);
    session->securityEngineID = security;
    session->securityEngineIDLen = length;
    session->contextEngineID = context;
    session->contextEngineIDLen = length;
    session->flags &= ~SNMP_FLAGS_USER_CREATED;
    old = usm_get_user(engine, length, session->securityName);
    if (replace && old != NULL && length > 0) {
        usm_remove_user(old);
        usm_free_user(old);
    }
    return create_user_from_session(session);
}

/// Forgets a discovered engine ID so the next request discovers it again.
static inline void ftth_session_clear_engine(netsnmp_session *session) {
    free(session->securityEngineID);
    free(session->contextEngineID);
    session->securityEngineID = NULL;
    session->securityEngineIDLen = 0;
    session->contextEngineID = NULL;
    session->contextEngineIDLen = 0;
    session->flags &= ~SNMP_FLAGS_USER_CREATED;
}

/// A pipe for waking the dispatcher's poll: both ends non-blocking and close-on-exec.
static inline int ftth_wake_pipe(int ends[2]) {
    if (pipe(ends) != 0) {
        return -1;
    }
    for (int i = 0; i < 2; i++) {
        fcntl(ends[i], F_SETFL, fcntl(ends[i], F_GETFL) | O_NONBLOCK);
        fcntl(ends[i], F_SETFD, fcntl(ends[i], F_GETFD) | FD_CLOEXEC);
    }
    return 0;
}

/// net-snmp keeps one process-wide "detail" that the next snmp_api_errstring appends to its
/// message; drop a stale one before an operation so a failure's text only carries its own.
static inline void ftth_clear_error_detail(void) {
    (void)snmp_api_errstring(SNMPERR_SUCCESS);
}

#endif
