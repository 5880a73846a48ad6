/* upload.h — an image upload in a multipart/form-data request, checked and stored (media.h):
 * the one field, its size (MQ_IMAGE_MAX_BYTES), its type by its magic bytes (PNG, JPEG, WebP). */
#ifndef MQ_UPLOAD_H
#define MQ_UPLOAD_H

#include "web/http.h"

#include <stddef.h>

/* Stores the image in field as MEDIA_DIR/<kind>/<random>.<ext> and writes its public path into
 * url. Returns 0, or -1 after replying 400/413/415 (or the storage error) itself; what names
 * the image in messages ("an avatar", "a poster"). */
int mq_upload_image(mq_req *req, mq_res *res, const char *field, const char *kind, const char *what,
		    char *url, size_t url_size);

/* The same without replying: MQ_OK, or the error with its problem in req->errors (MQ_EMEDIATYPE:
 * not multipart, or not one of the image types; MQ_EINVAL: malformed, or no file in field;
 * MQ_ETOOLARGE), or the storage's error (MQ_ESTORAGE, MQ_EINTERNAL) with none: for a page that
 * shows the problem in its own words. */
mq_err mq_upload_image_store(mq_req *req, const char *field, const char *kind, const char *what,
			     char *url, size_t url_size);

#endif
