#define _GNU_SOURCE
#include "CGobShims.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

long long gob_seek_data(int fd, long long from) {
    off_t offset = lseek(fd, (off_t)from, SEEK_DATA);
    return offset < 0 ? -errno : (long long)offset;
}

int gob_punch_hole(int fd, long long length) {
    int rc;
    do {
        rc = fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, (off_t)length);
    } while (rc != 0 && errno == EINTR);
    return rc == 0 ? 0 : -errno;
}
