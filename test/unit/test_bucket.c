/*
 * Unit tests of SHA-256 and the rollout assignment bucket.
 */
#include <stdio.h>
#include <string.h>

#include "bucket.h"
#include "unit.h"

#include "../ref/bucket/bucket_ref.h"

static void
hex(const unsigned char *d, char *out)
{
	int			i;

	for (i = 0; i < CA_SHA256_LEN; i++)
		sprintf(out + 2 * i, "%02x", d[i]);
}

static void
check_digest(const char *msg, size_t len, size_t chunk, const char *want)
{
	CaSha256	ctx;
	unsigned char d[CA_SHA256_LEN];
	char		got[2 * CA_SHA256_LEN + 1];
	size_t		off;

	ca_sha256_init(&ctx);
	for (off = 0; off < len; off += chunk)
		ca_sha256_update(&ctx, msg + off, len - off < chunk ? len - off : chunk);
	ca_sha256_final(&ctx, d);
	hex(d, got);
	CHECK(strcmp(got, want) == 0);
}

/* FIPS 180-2 appendix B, and padding edge lengths (55, 56, 64 bytes) */
static void
test_sha256(void)
{
	static char million[1000000];
	const char *two_block = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	size_t		chunk;

	check_digest("", 0, 1, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	check_digest("abc", 3, 1, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	for (chunk = 1; chunk <= 64; chunk *= 3)
		check_digest(two_block, strlen(two_block), chunk,
					 "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	memset(million, 'a', sizeof(million));
	check_digest(million, sizeof(million), 4096,
				 "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	/* reference digests of 55, 56 and 64 'a's (Python hashlib) */
	check_digest(million, 55, 55, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318");
	check_digest(million, 56, 7, "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a");
	check_digest(million, 64, 64, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb");
}

static void
test_reference_buckets(void)
{
	size_t		i;

	for (i = 0; i < sizeof(bucket_ref) / sizeof(bucket_ref[0]); i++)
	{
		double		b = ca_bucket(bucket_ref[i].salt, strlen(bucket_ref[i].salt),
								  bucket_ref[i].unit, strlen(bucket_ref[i].unit));

		/* both sides are exact multiples of 2^-53: equal, not close */
		CHECK(b == bucket_ref[i].bucket);
	}
}

/* the salt and the unit are separated: ("ab", "c") is not ("a", "bc") */
static void
test_separator(void)
{
	CHECK(ca_bucket("ab", 2, "c", 1) != ca_bucket("a", 1, "bc", 2));
	CHECK(ca_bucket("a", 1, "", 0) != ca_bucket("", 0, "a", 1));
}

/* range and rough uniformity over many units */
static void
test_range(void)
{
	enum {N = 200000, BINS = 10};
	int			counts[BINS] = {0};
	char		unit[32];
	double		chi2 = 0;
	int			i;
	int			out = 0;

	for (i = 0; i < N; i++)
	{
		int			len = snprintf(unit, sizeof(unit), "unit-%d", i);
		double		b = ca_bucket("range", 5, unit, (size_t) len);

		if (!(b >= 0 && b < 1))
			out++;
		else
			counts[(int) (b * BINS)]++;
	}
	CHECK(out == 0);
	for (i = 0; i < BINS; i++)
	{
		double		e = (double) N / BINS;

		chi2 += (counts[i] - e) * (counts[i] - e) / e;
	}
	/* 9 degrees of freedom: P(chi2 > 27.88) = 0.001 */
	CHECK(chi2 < 27.88);
}

int
main(void)
{
	test_sha256();
	test_reference_buckets();
	test_separator();
	test_range();
	return unit_done("bucket");
}
