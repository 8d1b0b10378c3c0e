// LD_PRELOAD shim for the power-loss tests: it keeps, beside a watched folder, the image a disk
// would hold after a power cut, by the POSIX rule that only what was fsync'ed is durable.
//
//   LKP_POWER_LOSS_DIR    the watched folder (flat: its regular files only)
//   LKP_POWER_LOSS_IMAGE  where the durable image is kept (made from the folder at start if missing;
//                         IMAGE.new must not exist)
//
// The model, file by file:
// - A file's bytes in the image are its bytes as of its last fsync/fdatasync. Writes since then
//   are held in the page cache, here: they exist only in the real file. The shim notes which byte
//   ranges were written (pwrite/pwrite64 exactly; write, writev, pwritev and writable shared maps
//   conservatively as "the whole file") and copies those ranges into the image when the file is
//   synced, and the file's size with them.
// - A file's name is durable only once its folder was fsync'ed after the file was created (or
//   unlinked, for a removal). Until then a synced file's bytes wait in IMAGE/.pending/<inode>.
//   IMAGE/.names lists the durable names with the inode each one stood for.
// - "-shm" files are left out: SQLite rebuilds its shared-memory index on open, and never syncs it.
// - sync_file_range, sync and syncfs make nothing durable here (SQLite does not call them).
// Every call is passed on to libc unchanged; the shim only watches. The image is written before
// fsync returns, so a SIGKILL at any moment leaves the image as of the syncs that returned (a kill
// during a sync's copy leaves part of that sync done, which a real disk may also do).
#define _GNU_SOURCE
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

typedef ssize_t (*pwrite_fn)(int, const void*, size_t, off_t);
typedef ssize_t (*write_fn)(int, const void*, size_t);
typedef ssize_t (*writev_fn)(int, const struct iovec*, int);
typedef ssize_t (*pwritev_fn)(int, const struct iovec*, int, off_t);
typedef int (*sync_fn)(int);
typedef void* (*mmap_fn)(void*, size_t, int, int, int, off_t);

static pwrite_fn real_pwrite, real_pwrite64;
static write_fn real_write;
static writev_fn real_writev;
static pwritev_fn real_pwritev;
static sync_fn real_fsync, real_fdatasync;
static mmap_fn real_mmap;

static char watched[PATH_MAX];  // canonical path of the watched folder; empty: the shim is off
static char image[PATH_MAX];
static dev_t watched_dev;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

// Written, not yet synced, per inode of a watched file.
struct range {
    off_t off, len;
};
struct dirty {
    ino_t ino;
    int whole;   // a write whose place we did not note: copy the whole file at the next sync
    int mapped;  // mapped shared and writable: every sync copies the whole file
    struct range* ranges;
    size_t count, cap;
};
static struct dirty* files;
static size_t nfiles, capfiles;

static void die(const char* what) {
    char msg[PATH_MAX + 200];
    int n = snprintf(msg, sizeof msg, "power_loss_shim: %s: %s\n", what, strerror(errno));
    if (real_write && n > 0) real_write(2, msg, (size_t)n);
    abort();  // a broken image must not pass for a good one
}

static void copy_file(const char* from, const char* to) {
    int in = open(from, O_RDONLY | O_CLOEXEC);
    if (in < 0) die(from);
    int out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (out < 0) die(to);
    char buf[1 << 16];
    for (ssize_t n; (n = read(in, buf, sizeof buf)) != 0;) {
        if (n < 0 || real_write(out, buf, (size_t)n) != n) die(to);
    }
    close(in);
    close(out);
}

static int is_shm(const char* name) {
    size_t n = strlen(name);
    return n >= 4 && strcmp(name + n - 4, "-shm") == 0;
}

// Writes IMAGE/.names from what the folder holds now; with `copy`, copies the files too (start-up).
static void take_names(int copy) {
    char tmp[PATH_MAX + 20], dst[PATH_MAX + 20];
    snprintf(tmp, sizeof tmp, "%s/.names.new", image);
    FILE* out = fopen(tmp, "w");
    if (!out) die(tmp);
    DIR* d = opendir(watched);
    if (!d) die(watched);
    for (struct dirent* e; (e = readdir(d));) {
        char src[PATH_MAX + 300];
        if (snprintf(src, sizeof src, "%s/%s", watched, e->d_name) >= (int)sizeof src) die(e->d_name);
        struct stat st;
        if (lstat(src, &st) != 0 || !S_ISREG(st.st_mode) || is_shm(e->d_name)) continue;
        fprintf(out, "%llu %s\n", (unsigned long long)st.st_ino, e->d_name);
        if (copy) {
            if (snprintf(dst, sizeof dst, "%s/%s", image, e->d_name) >= (int)sizeof dst) die(e->d_name);
            copy_file(src, dst);
        }
    }
    closedir(d);
    if (fclose(out) != 0) die(tmp);
    snprintf(dst, sizeof dst, "%s/.names", image);
    if (rename(tmp, dst) != 0) die(dst);
}

// dlsym gives an object pointer; ISO C has no cast to a function pointer, POSIX says copy it.
static void lookup(void* fn, size_t size, const char* name) {
    void* p = dlsym(RTLD_NEXT, name);
    if (!p || size != sizeof p) abort();
    memcpy(fn, &p, sizeof p);
}

__attribute__((constructor)) static void start(void) {
    lookup(&real_pwrite, sizeof real_pwrite, "pwrite");
    lookup(&real_pwrite64, sizeof real_pwrite64, "pwrite64");
    lookup(&real_write, sizeof real_write, "write");
    lookup(&real_writev, sizeof real_writev, "writev");
    lookup(&real_pwritev, sizeof real_pwritev, "pwritev");
    lookup(&real_fsync, sizeof real_fsync, "fsync");
    lookup(&real_fdatasync, sizeof real_fdatasync, "fdatasync");
    lookup(&real_mmap, sizeof real_mmap, "mmap");
    const char* dir = getenv("LKP_POWER_LOSS_DIR");
    const char* img = getenv("LKP_POWER_LOSS_IMAGE");
    if (!dir || !img) return;
    if (!realpath(dir, watched)) die(dir);
    snprintf(image, sizeof image, "%s", img);
    struct stat st;
    if (stat(watched, &st) != 0) die(watched);
    watched_dev = st.st_dev;
    if (stat(image, &st) == 0) return;  // a later process of the same run: the image goes on
    // Everything already in the folder counts as durable: the machine starts from a settled disk.
    // Made in IMAGE.new and renamed, so that a kill meanwhile leaves no image at all, which the
    // test reads as "nothing written yet" (the program's own code has not run).
    char final_image[PATH_MAX];
    memcpy(final_image, image, sizeof image);
    if (snprintf(image, sizeof image, "%s.new", final_image) >= (int)sizeof image) die("IMAGE.new");
    char pending[PATH_MAX + 20];
    snprintf(pending, sizeof pending, "%s/.pending", image);
    if (mkdir(image, 0755) != 0 || mkdir(pending, 0755) != 0) die(image);
    take_names(1);
    if (rename(image, final_image) != 0) die(final_image);
    memcpy(image, final_image, sizeof image);
}

// The name of a watched regular file behind `fd` ("" for any other fd), and its inode.
static int watched_name(int fd, char* name, ino_t* ino) {
    if (!watched[0]) return 0;
    struct stat st;
    if (fstat(fd, &st) != 0 || st.st_dev != watched_dev || !S_ISREG(st.st_mode)) return 0;
    char link[64], path[PATH_MAX];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, path, sizeof path - 1);
    if (n <= 0) return 0;
    path[n] = 0;
    size_t w = strlen(watched);
    if (strncmp(path, watched, w) != 0 || path[w] != '/' || strchr(path + w + 1, '/')) return 0;
    // An unlinked file shows as "name (deleted)"; its name is gone, its bytes are nobody's.
    if (strstr(path + w + 1, " (deleted)") || is_shm(path + w + 1)) return 0;
    size_t len = strlen(path + w + 1);
    if (len > NAME_MAX) return 0;
    memcpy(name, path + w + 1, len + 1);
    *ino = st.st_ino;
    return 1;
}

static struct dirty* dirty_for(ino_t ino) {
    for (size_t i = 0; i < nfiles; ++i)
        if (files[i].ino == ino) return &files[i];
    if (nfiles == capfiles) {
        capfiles = capfiles ? 2 * capfiles : 8;
        files = realloc(files, capfiles * sizeof *files);
        if (!files) die("realloc");
    }
    memset(&files[nfiles], 0, sizeof *files);
    files[nfiles].ino = ino;
    return &files[nfiles++];
}

// whole: 0 the range given, 1 somewhere in the file, 2 a shared writable map of it.
static void note_write(int fd, off_t off, ssize_t len, int whole) {
    if (len <= 0 && !whole) return;
    char name[NAME_MAX + 1];
    ino_t ino;
    if (!watched_name(fd, name, &ino)) return;
    pthread_mutex_lock(&lock);
    struct dirty* f = dirty_for(ino);
    if (whole == 2) {
        f->mapped = 1;
    } else if (whole) {
        f->whole = 1;
    } else if (f->count > 0 && f->ranges[f->count - 1].off + f->ranges[f->count - 1].len == off) {
        f->ranges[f->count - 1].len += len;  // the WAL grows by appends: one range
    } else {
        if (f->count == f->cap) {
            f->cap = f->cap ? 2 * f->cap : 16;
            f->ranges = realloc(f->ranges, f->cap * sizeof *f->ranges);
            if (!f->ranges) die("realloc");
        }
        f->ranges[f->count++] = (struct range){off, len};
    }
    pthread_mutex_unlock(&lock);
}

struct entry {
    unsigned long long ino;
    char name[NAME_MAX + 1];
};

// IMAGE/.names as a list; *count entries.
static struct entry* read_names(size_t* count) {
    char path[PATH_MAX + 20];
    snprintf(path, sizeof path, "%s/.names", image);
    FILE* in = fopen(path, "r");
    if (!in) die(path);
    struct entry* list = NULL;
    size_t n = 0, cap = 0;
    for (struct entry e; fscanf(in, "%llu %255[^\n]\n", &e.ino, e.name) == 2;) {
        if (n == cap) {
            cap = cap ? 2 * cap : 8;
            list = realloc(list, cap * sizeof *list);
            if (!list) die("realloc");
        }
        list[n++] = e;
    }
    fclose(in);
    *count = n;
    return list;
}

// Where the durable bytes of (name, ino) live: IMAGE/name when the name is durable for that
// inode, else IMAGE/.pending/ino.
static void durable_path(const char* name, ino_t ino, char* out, size_t size) {
    size_t n;
    struct entry* names = read_names(&n);
    int found = 0;
    for (size_t i = 0; i < n; ++i) found = found || ((ino_t)names[i].ino == ino && strcmp(names[i].name, name) == 0);
    free(names);
    if (found)
        snprintf(out, size, "%s/%s", image, name);
    else
        snprintf(out, size, "%s/.pending/%llu", image, (unsigned long long)ino);
}

static void sync_file(int fd, const char* name, ino_t ino) {
    char target[PATH_MAX + 300];
    durable_path(name, ino, target, sizeof target);
    pthread_mutex_lock(&lock);
    struct dirty* f = dirty_for(ino);
    struct stat st;
    if (fstat(fd, &st) != 0) die("fstat");
    int out = open(target, O_WRONLY | O_CLOEXEC);
    int whole = f->whole || f->mapped;
    if (out < 0 && errno == ENOENT) {  // first sync of a new file: all of it is durable now
        out = open(target, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
        whole = 1;
    }
    if (out < 0) die(target);
    if (whole) {
        f->count = 0;
        if (st.st_size > 0) {
            f->ranges = realloc(f->ranges, (f->cap > 0 ? f->cap : 1) * sizeof *f->ranges);
            if (!f->ranges) die("realloc");
            if (f->cap == 0) f->cap = 1;
            f->ranges[f->count++] = (struct range){0, st.st_size};
        }
    }
    char buf[1 << 16];
    for (size_t i = 0; i < f->count; ++i) {
        for (off_t at = f->ranges[i].off, end = at + f->ranges[i].len; at < end;) {
            size_t want = (size_t)(end - at) < sizeof buf ? (size_t)(end - at) : sizeof buf;
            ssize_t n = pread(fd, buf, want, at);
            if (n < 0) die("pread");
            if (n == 0) break;  // truncated since: the size below settles it
            if (real_pwrite(out, buf, (size_t)n, at) != n) die(target);
            at += n;
        }
    }
    if (ftruncate(out, st.st_size) != 0) die(target);
    close(out);
    f->count = 0;
    f->whole = 0;
    pthread_mutex_unlock(&lock);
}

// The folder was synced: its names as they are now become durable, each with the bytes its
// inode had synced (none: an empty file); names no longer there go. Each step is one rename or
// unlink, so a kill in the middle leaves a folder partly synced, as a disk might.
static void sync_folder(void) {
    pthread_mutex_lock(&lock);
    size_t nold, nnew;
    struct entry* old = read_names(&nold);
    take_names(0);
    struct entry* now = read_names(&nnew);
    char from[PATH_MAX + 300], to[PATH_MAX + 300];
    for (size_t i = 0; i < nnew; ++i) {
        int same = 0;
        const char* durable_as = NULL;  // this inode's bytes under an old durable name
        for (size_t j = 0; j < nold; ++j) {
            if (old[j].ino != now[i].ino) continue;
            if (strcmp(old[j].name, now[i].name) == 0) same = 1;
            durable_as = old[j].name;
        }
        if (same) continue;
        snprintf(to, sizeof to, "%s/%s", image, now[i].name);
        snprintf(from, sizeof from, "%s/.pending/%llu", image, now[i].ino);
        if (rename(from, to) == 0) continue;
        if (errno != ENOENT) die(from);
        if (durable_as) {  // renamed or linked: the synced bytes go with the inode
            snprintf(from, sizeof from, "%s/%s", image, durable_as);
            copy_file(from, to);
        } else {  // named but never synced: empty
            int fd = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
            if (fd < 0) die(to);
            close(fd);
        }
    }
    for (size_t j = 0; j < nold; ++j) {
        int kept = 0;
        for (size_t i = 0; i < nnew; ++i) kept = kept || strcmp(old[j].name, now[i].name) == 0;
        snprintf(from, sizeof from, "%s/%s", image, old[j].name);
        if (!kept && unlink(from) != 0 && errno != ENOENT) die(from);
    }
    free(old);
    free(now);
    pthread_mutex_unlock(&lock);
}

static void on_sync(int fd) {
    if (!watched[0]) return;
    char name[NAME_MAX + 1];
    ino_t ino;
    if (watched_name(fd, name, &ino)) {
        sync_file(fd, name, ino);
        return;
    }
    struct stat st, wst;
    if (fstat(fd, &st) != 0 || !S_ISDIR(st.st_mode) || stat(watched, &wst) != 0) return;
    if (st.st_dev == wst.st_dev && st.st_ino == wst.st_ino) sync_folder();
}

int fsync(int fd) {
    int rc = real_fsync(fd);
    if (rc == 0) on_sync(fd);
    return rc;
}

int fdatasync(int fd) {
    int rc = real_fdatasync(fd);
    if (rc == 0) on_sync(fd);
    return rc;
}

ssize_t pwrite(int fd, const void* buf, size_t count, off_t offset) {
    ssize_t n = real_pwrite(fd, buf, count, offset);
    note_write(fd, offset, n, 0);
    return n;
}

ssize_t pwrite64(int fd, const void* buf, size_t count, off_t offset) {
    ssize_t n = real_pwrite64(fd, buf, count, offset);
    note_write(fd, offset, n, 0);
    return n;
}

ssize_t write(int fd, const void* buf, size_t count) {
    ssize_t n = real_write(fd, buf, count);
    if (n > 0) note_write(fd, 0, 0, 1);
    return n;
}

ssize_t writev(int fd, const struct iovec* iov, int iovcnt) {
    ssize_t n = real_writev(fd, iov, iovcnt);
    if (n > 0) note_write(fd, 0, 0, 1);
    return n;
}

ssize_t pwritev(int fd, const struct iovec* iov, int iovcnt, off_t offset) {
    ssize_t n = real_pwritev(fd, iov, iovcnt, offset);
    if (n > 0) note_write(fd, 0, 0, 1);
    return n;
}

// A shared writable map of a watched file writes behind our back: copy the whole file at each
// sync from then on (SQLite maps only its -shm this way, which is not watched).
void* mmap(void* addr, size_t length, int prot, int flags, int fd, off_t offset) {
    void* p = real_mmap(addr, length, prot, flags, fd, offset);
    if (p != MAP_FAILED && fd >= 0 && (prot & PROT_WRITE) && (flags & MAP_SHARED)) note_write(fd, 0, 0, 2);
    return p;
}
