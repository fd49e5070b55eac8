#define _GNU_SOURCE
#include "ctun.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <malloc.h>
#include <netinet/in.h>
#include <string.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

static int ftth_copy_name(struct ifreq *request, const char *name) {
    if (name == NULL || strlen(name) >= IFNAMSIZ) return -ENAMETOOLONG;
    memset(request, 0, sizeof *request);
    strncpy(request->ifr_name, name, IFNAMSIZ - 1);
    return 0;
}

static int ftth_tun_open_flags(const char *name, char *actual, short flags, unsigned int offloads) {
    struct ifreq request;
    int status = ftth_copy_name(&request, name);
    if (status < 0) return status;
    int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
    if (fd < 0) return -errno;
    request.ifr_flags = flags;
    if (ioctl(fd, TUNSETIFF, &request) < 0 || (offloads != 0 && ioctl(fd, TUNSETOFFLOAD, offloads) < 0)) {
        int saved = errno;
        close(fd);
        return -saved;
    }
    memset(actual, 0, FTTH_IFNAMSIZ);
    strncpy(actual, request.ifr_name, FTTH_IFNAMSIZ - 1);
    return fd;
}

int ftth_tun_open(const char *name, char *actual) {
    return ftth_tun_open_flags(name, actual, IFF_TUN | IFF_NO_PI, 0);
}

int ftth_tun_open_offload(const char *name, char *actual) {
    return ftth_tun_open_flags(name, actual, IFF_TUN | IFF_NO_PI | IFF_VNET_HDR, TUN_F_CSUM | TUN_F_TSO4);
}

long ftth_tun_write_vnet(int fd, const uint8_t *header, const uint8_t *packet, uint32_t length) {
    struct iovec parts[2] = {
        {.iov_base = (void *)header, .iov_len = FTTH_VNET_HDR_LEN},
        {.iov_base = (void *)packet, .iov_len = length},
    };
    ssize_t written = writev(fd, parts, 2);
    return written < 0 ? -errno : (long)written;
}

/// Runs one interface ioctl on a throwaway datagram socket.
static int ftth_if_ioctl(unsigned long command, struct ifreq *request) {
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -errno;
    int status = ioctl(fd, command, request) < 0 ? -errno : 0;
    close(fd);
    return status;
}

static void ftth_set_address(struct sockaddr *target, uint32_t address) {
    struct sockaddr_in in;
    memset(&in, 0, sizeof in);
    in.sin_family = AF_INET;
    in.sin_addr.s_addr = address;
    memcpy(target, &in, sizeof in);
}

int ftth_if_set_ipv4(const char *name, uint32_t local, uint32_t peer) {
    struct ifreq request;
    int status = ftth_copy_name(&request, name);
    if (status < 0) return status;
    ftth_set_address(&request.ifr_addr, local);
    if ((status = ftth_if_ioctl(SIOCSIFADDR, &request)) < 0) return status;
    ftth_set_address(&request.ifr_dstaddr, peer);
    if ((status = ftth_if_ioctl(SIOCSIFDSTADDR, &request)) < 0) return status;
    ftth_set_address(&request.ifr_netmask, 0xffffffffu);
    return ftth_if_ioctl(SIOCSIFNETMASK, &request);
}

int ftth_if_set_mtu(const char *name, int mtu) {
    struct ifreq request;
    int status = ftth_copy_name(&request, name);
    if (status < 0) return status;
    request.ifr_mtu = mtu;
    return ftth_if_ioctl(SIOCSIFMTU, &request);
}

int ftth_if_set_up(const char *name) {
    struct ifreq request;
    int status = ftth_copy_name(&request, name);
    if (status < 0) return status;
    if ((status = ftth_if_ioctl(SIOCGIFFLAGS, &request)) < 0) return status;
    request.ifr_flags |= IFF_UP | IFF_RUNNING;
    return ftth_if_ioctl(SIOCSIFFLAGS, &request);
}

int ftth_if_hwaddr(const char *name, uint8_t *mac) {
    struct ifreq request;
    int status = ftth_copy_name(&request, name);
    if (status < 0) return status;
    if ((status = ftth_if_ioctl(SIOCGIFHWADDR, &request)) < 0) return status;
    memcpy(mac, request.ifr_hwaddr.sa_data, 6);
    return 0;
}

int ftth_if_get_mtu(const char *name, int *mtu) {
    struct ifreq request;
    int status = ftth_copy_name(&request, name);
    if (status < 0) return status;
    if ((status = ftth_if_ioctl(SIOCGIFMTU, &request)) < 0) return status;
    *mtu = request.ifr_mtu;
    return 0;
}

int ftth_send_frames(int fd, const uint8_t *const *frames, const uint32_t *lengths, int count) {
    if (count <= 0) return 0;
    if (count > FTTH_SEND_BATCH_MAX) count = FTTH_SEND_BATCH_MAX;
    struct iovec vectors[FTTH_SEND_BATCH_MAX];
    struct mmsghdr messages[FTTH_SEND_BATCH_MAX];
    memset(messages, 0, sizeof(struct mmsghdr) * (size_t)count);
    for (int i = 0; i < count; i++) {
        vectors[i].iov_base = (void *)frames[i];
        vectors[i].iov_len = lengths[i];
        messages[i].msg_hdr.msg_iov = &vectors[i];
        messages[i].msg_hdr.msg_iovlen = 1;
    }
    int sent = 0;
    while (sent < count) {
        int status = sendmmsg(fd, messages + sent, (unsigned int)(count - sent), 0);
        if (status < 0) {
            if (errno == EINTR) continue;
            return sent > 0 ? sent : -errno;
        }
        if (status == 0) break;
        sent += status;
    }
    return sent;
}

int64_t ftth_monotonic_ns(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (int64_t)now.tv_sec * 1000000000 + now.tv_nsec;
}

int ftth_timer_open(void) {
    int fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    return fd < 0 ? -errno : fd;
}

int ftth_timer_arm(int fd, int64_t deadline_ns) {
    struct itimerspec spec;
    memset(&spec, 0, sizeof spec);
    if (deadline_ns >= 0) {
        // A zero it_value disarms: a deadline at the clock's origin is taken as 1 ns after it.
        if (deadline_ns == 0) deadline_ns = 1;
        spec.it_value.tv_sec = deadline_ns / 1000000000;
        spec.it_value.tv_nsec = deadline_ns % 1000000000;
    }
    return timerfd_settime(fd, TFD_TIMER_ABSTIME, &spec, NULL) < 0 ? -errno : 0;
}

void ftth_timer_clear(int fd) {
    uint64_t expirations;
    (void)!read(fd, &expirations, sizeof expirations);
}

int ftth_sched_batch(int batch) {
    struct sched_param parameter;
    memset(&parameter, 0, sizeof parameter);
    return sched_setscheduler(0, batch ? SCHED_BATCH : SCHED_OTHER, &parameter) < 0 ? -errno : 0;
}

void ftth_keep_heap(void) {
    // Setting the trim threshold also stops glibc moving it (and the mmap threshold) on its own.
    mallopt(M_TRIM_THRESHOLD, 16 * 1024 * 1024);
}
