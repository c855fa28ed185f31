/*
 * bucket.h
 *		Stable assignment buckets for rollouts: SHA-256 of a salt and a unit
 *		id, mapped to [0, 1).
 */
#ifndef CA_BUCKET_H
#define CA_BUCKET_H

#include <stddef.h>
#include <stdint.h>

#define CA_SHA256_LEN 32

typedef struct CaSha256
{
	uint32_t	state[8];
	uint64_t	length;			/* bytes hashed so far */
	unsigned char block[64];
	size_t		used;			/* bytes in block */
} CaSha256;

extern void ca_sha256_init(CaSha256 *ctx);
extern void ca_sha256_update(CaSha256 *ctx, const void *data, size_t len);
extern void ca_sha256_final(CaSha256 *ctx, unsigned char digest[CA_SHA256_LEN]);

/*
 * The bucket of a unit: the first 8 bytes of SHA-256(salt, 0x00, unit),
 * read as a big-endian unsigned 64-bit integer, shifted right by 11 bits
 * and divided by 2^53.  Always in [0, 1), and exact in a double.
 */
extern double ca_bucket(const char *salt, size_t salt_len,
						const char *unit, size_t unit_len);

#endif							/* CA_BUCKET_H */
