/*
 * unit_map.h
 *		The units of one arm of a rollout, each with its outcomes or-ed and
 *		its revenue summed: what incremental checkpoints keep per arm so
 *		that a checkpoint reads one value, not a row per unit.
 *
 * A map is built from rows (unit_builder_*), stored encoded, and merged,
 * read and compared in its encoded form.  The encoding holds the units
 * sorted by (hash, key), so two maps merge, and meet, in one linear pass.
 *
 * Encoded format, version 1, native byte order (like PostgreSQL's own
 * on-disk values):
 *		"CAUM", version (1 byte), 3 zero bytes, unit count (8 bytes), then
 *		per unit: hash (8), revenue (8), flags (1), key length (2), key.
 * The hash is unit_map_hash(key); units are in strictly increasing
 * (hash, key length, key bytes) order.
 *
 * Plain C, no PostgreSQL headers.  Memory comes from the caller's
 * allocator, which never fails.
 */
#ifndef CA_UNIT_MAP_H
#define CA_UNIT_MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ca_status.h"
#include "cohort_stats.h"

#define UNIT_MAP_FORMAT_VERSION 1
#define UNIT_MAP_HEADER_SIZE 16
#define UNIT_MAP_ENTRY_SIZE 19		/* without the key */
#define UNIT_MAP_MAX_KEY 65535

/* flags of a unit: an outcome is known when some row had it non-NULL */
#define UNIT_COMPLETED_KNOWN	0x01
#define UNIT_COMPLETED			0x02
#define UNIT_CHURNED_KNOWN		0x04
#define UNIT_CHURNED			0x08
#define UNIT_REVENUE_KNOWN		0x10
#define UNIT_FLAGS_ALL			0x1F

typedef struct UnitRecord
{
	uint64_t	hash;
	const char *key;
	uint16_t	keylen;
	uint8_t		flags;
	double		revenue;		/* 0 unless UNIT_REVENUE_KNOWN */
} UnitRecord;

/* realloc semantics: ptr NULL allocates, size 0 frees; never fails */
typedef void *(*UnitAllocFn) (void *ctx, void *ptr, size_t size);

/* A map being built: an open-addressing table over copied keys. */
typedef struct UnitMapBuilder
{
	UnitRecord *slots;			/* keylen of an empty slot is 0 and key NULL */
	size_t		capacity;		/* a power of two */
	int			shift;			/* 64 - log2(capacity): a hash's home slot is
								 * hash >> shift */
	size_t		count;
	char	   *arena;			/* the keys */
	size_t		arena_used;
	size_t		arena_size;
	char	  **old_arenas;		/* full arenas, kept while keys point there */
	size_t		n_old;
	UnitAllocFn alloc;
	void	   *alloc_ctx;
} UnitMapBuilder;

extern uint64_t unit_map_hash(const char *key, size_t len);

extern void unit_builder_init(UnitMapBuilder *b, UnitAllocFn alloc, void *ctx);

/* Frees what the builder allocated (in the server, its context goes anyway). */
extern void unit_builder_free(UnitMapBuilder *b);

/*
 * Adds one row of a unit; an outcome of CA_FLAG_NULL leaves the unit's
 * outcome as it is, as bool_or ignores NULLs.  CA_TOO_MANY for a key longer
 * than UNIT_MAP_MAX_KEY bytes, CA_OVERFLOW when finite revenues sum beyond
 * the double range.
 */
extern CaStatus unit_builder_add(UnitMapBuilder *b, const char *key, size_t keylen,
								 CaFlag completed, CaFlag churned,
								 bool has_revenue, double revenue);

/* Adds every unit of a valid encoded map, or of another builder. */
extern CaStatus unit_builder_add_map(UnitMapBuilder *b, const uint8_t *map);
extern CaStatus unit_builder_add_builder(UnitMapBuilder *b, const UnitMapBuilder *src);

/*
 * Sorts units into map order (hash, key length, key); fastest when they
 * are nearly in order already, as a builder's table holds them.
 */
extern void unit_records_sort(UnitRecord **order, size_t n);

/* The encoded size, and the encoding (sorts the table's units). */
extern size_t unit_builder_encoded_size(const UnitMapBuilder *b);
extern void unit_builder_encode(UnitMapBuilder *b, uint8_t *out);

/*
 * Checks an encoded map; NULL when it is valid, else the first problem
 * found.  Every other reader expects a valid map.
 */
extern const char *unit_map_problem(const uint8_t *map, size_t len);

extern uint64_t unit_map_count(const uint8_t *map);

/* Reads the units of a valid map in order. */
typedef struct UnitMapReader
{
	const uint8_t *pos;
	uint64_t	left;
} UnitMapReader;

extern void unit_map_read_start(UnitMapReader *r, const uint8_t *map);
extern bool unit_map_read_next(UnitMapReader *r, UnitRecord *out);

/*
 * Merges two valid maps into out (room for alen + blen bytes); a unit in
 * both gets its outcomes or-ed and its revenues summed.  Sets *outlen.
 */
extern CaStatus unit_map_merge(const uint8_t *a, const uint8_t *b,
							   uint8_t *out, size_t *outlen);

/* Units of a valid map a that are also in b. */
extern uint64_t unit_map_overlap(const uint8_t *a, const uint8_t *b);

/* A unit's row for a cohort: its or-ed outcomes and summed revenue. */
extern void unit_record_cohort_unit(const UnitRecord *u, CohortUnit *out);

#endif							/* CA_UNIT_MAP_H */
