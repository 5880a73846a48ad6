/* media.h — uploaded images: recognised by their magic bytes, stored under random names.
 *
 * Files go to MEDIA_DIR/<kind>/<32 hex>.<ext>: written and synced under a hidden name, created
 * exclusively (O_EXCL), then renamed, so neither nginx (which serves MEDIA_DIR under /media/ as
 * plain files) nor the database ever sees half a file; a failed write leaves nothing behind.
 */
#ifndef MQ_MEDIA_H
#define MQ_MEDIA_H

#include "core/err.h"

#include <stddef.h>

#define MQ_IMAGE_MAX_BYTES (2 * 1024 * 1024)

/* "png", "jpg" or "webp" from the first bytes of data, or NULL for anything else. */
const char *mq_image_type(const char *data, size_t len);

/* Stores data as MEDIA_DIR/kind/<random>.ext and writes its public path ("/media/kind/….ext")
 * into url (at least 96 bytes). Failures are logged: MQ_ESTORAGE when the disk, a quota or a
 * file-size limit is full, MQ_EINTERNAL when the directory cannot be written. */
mq_err mq_media_store(const char *media_dir, const char *kind, const char *ext, const char *data,
		      size_t len, char *url, size_t url_size);

/* Deletes a file stored by mq_media_store, given its public path; anything that does not look
 * exactly like one ("/media/kind/<32 hex>.<ext>") is left alone. */
void mq_media_remove(const char *media_dir, const char *url);

#endif
