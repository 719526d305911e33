#define _GNU_SOURCE
#include "CGobShims.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#ifdef __linux__
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#endif

int gob_listening_sockets(int family, int protocol, struct gob_listener *out, int capacity) {
#ifdef __linux__
    int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
    if (fd < 0) return -errno;
    struct {
        struct nlmsghdr header;
        struct inet_diag_req_v2 request;
    } message;
    memset(&message, 0, sizeof(message));
    message.header.nlmsg_len = sizeof(message);
    message.header.nlmsg_type = SOCK_DIAG_BY_FAMILY;
    message.header.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
    message.header.nlmsg_seq = 1;
    message.request.sdiag_family = (__u8)family;
    message.request.sdiag_protocol = (__u8)protocol;
    // TCP: listening sockets only, so the kernel never walks the established table.
    // UDP: unconnected sockets (TCP_CLOSE); the caller keeps those without a peer.
    message.request.idiag_states = protocol == IPPROTO_TCP ? (1U << 10) : (1U << 7);
    struct sockaddr_nl kernel;
    memset(&kernel, 0, sizeof(kernel));
    kernel.nl_family = AF_NETLINK;
    if (sendto(fd, &message, sizeof(message), 0, (struct sockaddr *)&kernel, sizeof(kernel)) < 0) {
        int saved = errno;
        close(fd);
        return -saved;
    }
    int count = 0;
    int result = 0;
    char buffer[32768] __attribute__((aligned(NLMSG_ALIGNTO)));
    for (;;) {
        ssize_t length = recv(fd, buffer, sizeof(buffer), 0);
        if (length < 0) {
            if (errno == EINTR) continue;
            result = -errno;
            break;
        }
        if (length == 0) { result = -EIO; break; }
        int done = 0;
        for (struct nlmsghdr *header = (struct nlmsghdr *)buffer; NLMSG_OK(header, (size_t)length);
             header = NLMSG_NEXT(header, length)) {
            if (header->nlmsg_type == NLMSG_DONE) { done = 1; break; }
            if (header->nlmsg_type == NLMSG_ERROR) {
                struct nlmsgerr *error = NLMSG_DATA(header);
                result = error->error < 0 ? error->error : -EIO;
                done = 1;
                break;
            }
            if (header->nlmsg_type != SOCK_DIAG_BY_FAMILY) continue;
            struct inet_diag_msg *diag = NLMSG_DATA(header);
            if (protocol != IPPROTO_TCP && diag->id.idiag_dport != 0) continue;
            if (diag->id.idiag_sport == 0) continue;
            if (count < capacity) {
                struct gob_listener *entry = &out[count];
                entry->inode = diag->idiag_inode;
                entry->port = ntohs(diag->id.idiag_sport);
                entry->family = diag->idiag_family;
                memcpy(entry->address, diag->id.idiag_src, sizeof(entry->address));
            }
            count++;
        }
        if (done) break;
    }
    close(fd);
    return result < 0 ? result : count;
#else
    (void)family; (void)protocol; (void)out; (void)capacity;
    return -ENOSYS;
#endif
}
