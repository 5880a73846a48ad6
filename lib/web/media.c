/* media.c — image type sniffing and storage (see media.h). */
#include "web/media.h"
#include "core/log.h"
#include "core/mem.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *mq_image_type(const char *data, size_t len)
{
	const unsigned char *d = (const unsigned char *)data;
	if (len >= 8 && !memcmp(d, "\x89PNG\r\n\x1a\n", 8))
		return "png";
	if (len >= 3 && d[0] == 0xff && d[1] == 0xd8 && d[2] == 0xff)
		return "jpg";
	if (len >= 12 && !memcmp(d, "RIFF", 4) && !memcmp(d + 8, "WEBP", 4))
		return "webp";
	return NULL;
}

static int write_all(int fd, const char *data, size_t len)
{
	while (len) {
		ssize_t n = write(fd, data, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

/* MQ_ESTORAGE when errno says the disk (or a quota or file-size limit) is full, else MQ_EINTERNAL. */
static mq_err storage_error(int err)
{
	return err == ENOSPC || err == EDQUOT || err == EFBIG ? MQ_ESTORAGE : MQ_EINTERNAL;
}

mq_err mq_media_store(const char *media_dir, const char *kind, const char *ext, const char *data,
		      size_t len, char *url, size_t url_size)
{
	char dir[512], part[600], path[600], name[33];
	unsigned char r[16];
	snprintf(dir, sizeof dir, "%s/%s", media_dir, kind);
	if (mkdir(media_dir, 0755) && errno != EEXIST) {
		mq_log(MQ_LOG_ERROR, "media", "cannot create %s: %s", media_dir, mq_strerror(errno).s);
		return storage_error(errno);
	}
	if (mkdir(dir, 0755) && errno != EEXIST) {
		mq_log(MQ_LOG_ERROR, "media", "cannot create %s: %s", dir, mq_strerror(errno).s);
		return storage_error(errno);
	}
	if (RAND_bytes(r, sizeof r) != 1)
		mq_oom();
	for (size_t i = 0; i < sizeof r; i++)
		snprintf(name + 2 * i, 3, "%02x", r[i]);
	/* written under a name nginx refuses to serve (.part), renamed only once complete and synced */
	snprintf(part, sizeof part, "%s/.%s.part", dir, name);
	snprintf(path, sizeof path, "%s/%s.%s", dir, name, ext);
	int fd = open(part, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0) {
		mq_log(MQ_LOG_ERROR, "media", "cannot create %s: %s", part, mq_strerror(errno).s);
		return storage_error(errno);
	}
	int err = write_all(fd, data, len) || fsync(fd) ? errno : 0;
	if (close(fd) && !err)
		err = errno;
	if (!err && rename(part, path))
		err = errno;
	if (err) {
		mq_log(MQ_LOG_ERROR, "media", "cannot write %s: %s", path, mq_strerror(err).s);
		unlink(part);
		return storage_error(err);
	}
	snprintf(url, url_size, "/media/%s/%s.%s", kind, name, ext);
	return MQ_OK;
}

void mq_media_remove(const char *media_dir, const char *url)
{
	char kind[32], name[40], ext[8], path[600];
	int used = 0;
	if (!url || sscanf(url, "/media/%31[a-z]/%39[0-9a-f].%7[a-z]%n", kind, name, ext, &used) != 3 ||
	    url[used] != '\0' || strlen(name) != 32)
		return;
	snprintf(path, sizeof path, "%s/%s/%s.%s", media_dir, kind, name, ext);
	if (unlink(path) && errno != ENOENT)
		mq_log(MQ_LOG_WARN, "media", "cannot remove %s: %s", path, mq_strerror(errno).s);
}
