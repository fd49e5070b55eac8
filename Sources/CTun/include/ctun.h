#ifndef FTTH_CTUN_H
#define FTTH_CTUN_H
// Linux TUN devices and the interface ioctls the service probe needs. Each function returns 0
// (or a file descriptor) on success and -errno on failure, so Swift can say what failed.
#include <stdint.h>

/// Interface names hold at most this many bytes, the terminating zero included (IFNAMSIZ).
#define FTTH_IFNAMSIZ 16

/// Opens /dev/net/tun and creates (or attaches to) the TUN interface `name` (a pattern such as
/// "ftth%d" lets the kernel number it) with IFF_TUN | IFF_NO_PI. The kernel's name is written to
/// `actual` (FTTH_IFNAMSIZ bytes). Returns the descriptor, close-on-exec, or -errno.
int ftth_tun_open(const char *name, char *actual);

/// The virtio-net header that precedes every packet on a TUN device opened with
/// `ftth_tun_open_offload` (struct virtio_net_hdr, host byte order).
#define FTTH_VNET_HDR_LEN 10

/// As `ftth_tun_open`, with IFF_VNET_HDR and the checksum and TCPv4 segmentation offloads
/// (TUNSETOFFLOAD TUN_F_CSUM | TUN_F_TSO4): the kernel hands over TCP segments of up to 64 KiB
/// with a partial checksum, each read and write carries a virtio-net header first, and the
/// reader segments and checksums them. Returns the descriptor, close-on-exec, or -errno.
int ftth_tun_open_offload(const char *name, char *actual);

/// Writes the virtio-net header `header` (FTTH_VNET_HDR_LEN bytes) and `packet` as one packet
/// into the TUN device `fd` (one writev). Returns the bytes written or -errno.
long ftth_tun_write_vnet(int fd, const uint8_t *header, const uint8_t *packet, uint32_t length);

/// CLOCK_MONOTONIC in nanoseconds: the clock of `ftth_timer_arm`.
int64_t ftth_monotonic_ns(void);

/// A non-blocking, close-on-exec timerfd on CLOCK_MONOTONIC, or -errno: a deadline a poll loop
/// waits for without reading the clock to compute its timeout.
int ftth_timer_open(void);

/// Arms timer `fd` to expire once at `deadline_ns` of CLOCK_MONOTONIC (absolute; a time already
/// past expires at once), or disarms it when `deadline_ns` is negative. Returns 0 or -errno.
int ftth_timer_arm(int fd, int64_t deadline_ns);

/// Reads timer `fd`'s expiry count so that it no longer polls readable.
void ftth_timer_clear(int fd);

/// Keeps freed heap memory for reuse (glibc: a trim threshold of 16 MiB) instead of handing the
/// top of the heap back with brk(2) after every large block: the probe's merged 64 KiB packets
/// otherwise cost a brk pair each, a system call trapped like any other in a virtual machine.
void ftth_keep_heap(void);

/// Puts the calling thread under SCHED_BATCH: woken, it no longer preempts the task that runs
/// (wake-up preemption is for interactive tasks), so on a busy CPU it runs when that one blocks
/// and finds the packets of a whole burst waiting. Needs no privilege. `batch` 0 puts it back
/// under SCHED_OTHER. Returns 0 or -errno.
int ftth_sched_batch(int batch);

/// Sets the IPv4 address `local` and the point-to-point peer `peer` (both in network byte order,
/// netmask /32) of interface `name`.
int ftth_if_set_ipv4(const char *name, uint32_t local, uint32_t peer);

/// Sets the MTU of interface `name`.
int ftth_if_set_mtu(const char *name, int mtu);

/// Sets interface `name` up (IFF_UP | IFF_RUNNING).
int ftth_if_set_up(const char *name);

/// Reads the Ethernet address of interface `name` into `mac` (6 bytes).
int ftth_if_hwaddr(const char *name, uint8_t *mac);

/// Reads the MTU of interface `name` into `mtu`.
int ftth_if_get_mtu(const char *name, int *mtu);

/// The most frames `ftth_send_frames` sends in one call (its message array lives on the stack).
#define FTTH_SEND_BATCH_MAX 256

/// Sends `count` (at most FTTH_SEND_BATCH_MAX) whole frames on the bound packet socket `fd`
/// with one sendmmsg(2), retrying the rest after a partial send. Returns how many were sent
/// (all of them, or those before a frame the kernel refused), or -errno when the first failed.
int ftth_send_frames(int fd, const uint8_t *const *frames, const uint32_t *lengths, int count);
#endif
