/*
 * unit_map.c
 *		Per-unit outcomes of a rollout arm, built from rows and merged in
 *		their encoded, sorted form (see unit_map.h).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "unit_map.h"

#define ARENA_MIN 65536

static const char unit_map_magic[4] = {'C', 'A', 'U', 'M'};

/* FNV-1a, then a 64-bit finalizer so that the top bits mix well too. */
uint64_t
unit_map_hash(const char *key, size_t len)
{
	uint64_t	h = UINT64_C(0xcbf29ce484222325);
	size_t		i;

	for (i = 0; i < len; i++)
	{
		h ^= (unsigned char) key[i];
		h *= UINT64_C(0x100000001b3);
	}
	h ^= h >> 33;
	h *= UINT64_C(0xff51afd7ed558ccd);
	h ^= h >> 33;
	h *= UINT64_C(0xc4ceb9fe1a85ec53);
	h ^= h >> 33;
	return h;
}

/* Order of units in an encoded map. */
static int
record_cmp(const UnitRecord *a, const UnitRecord *b)
{
	int			c;

	if (a->hash != b->hash)
		return a->hash < b->hash ? -1 : 1;
	if (a->keylen != b->keylen)
		return a->keylen < b->keylen ? -1 : 1;
	c = memcmp(a->key, b->key, a->keylen);
	return c < 0 ? -1 : c > 0;
}

/* One unit's rows merged into another's: or-ed outcomes, summed revenue. */
static CaStatus
merge_into(uint8_t *flags, double *revenue, uint8_t add_flags, double add_revenue)
{
	if (add_flags & UNIT_REVENUE_KNOWN)
	{
		if (*flags & UNIT_REVENUE_KNOWN)
		{
			double		sum = *revenue + add_revenue;

			/* as float8 addition: an overflow of finite values is an error */
			if (isinf(sum) && isfinite(*revenue) && isfinite(add_revenue))
				return CA_OVERFLOW;
			*revenue = sum;
		}
		else
			*revenue = add_revenue;
	}
	*flags |= add_flags;
	return CA_OK;
}

void
unit_builder_init(UnitMapBuilder *b, UnitAllocFn alloc, void *ctx)
{
	memset(b, 0, sizeof(*b));
	b->alloc = alloc;
	b->alloc_ctx = ctx;
	b->capacity = 64;
	b->shift = 64 - 6;
	b->slots = alloc(ctx, NULL, b->capacity * sizeof(UnitRecord));
	memset(b->slots, 0, b->capacity * sizeof(UnitRecord));
}

void
unit_builder_free(UnitMapBuilder *b)
{
	size_t		i;

	for (i = 0; i < b->n_old; i++)
		b->alloc(b->alloc_ctx, b->old_arenas[i], 0);
	if (b->old_arenas != NULL)
		b->alloc(b->alloc_ctx, b->old_arenas, 0);
	if (b->arena != NULL)
		b->alloc(b->alloc_ctx, b->arena, 0);
	b->alloc(b->alloc_ctx, b->slots, 0);
	memset(b, 0, sizeof(*b));
}

/*
 * A unit's home slot is given by the top bits of its hash, so the table
 * holds its units nearly in hash order: growing it writes the new table
 * front to back, and encoding sorts a nearly sorted array.
 */
static void
grow_table(UnitMapBuilder *b)
{
	size_t		newcap = b->capacity * 2;
	int			newshift = b->shift - 1;
	UnitRecord *slots = b->alloc(b->alloc_ctx, NULL, newcap * sizeof(UnitRecord));
	size_t		i;

	memset(slots, 0, newcap * sizeof(UnitRecord));
	for (i = 0; i < b->capacity; i++)
	{
		size_t		j;

		if (b->slots[i].key == NULL)
			continue;
		j = (size_t) (b->slots[i].hash >> newshift);
		while (slots[j].key != NULL)
			j = (j + 1) & (newcap - 1);
		slots[j] = b->slots[i];
	}
	b->alloc(b->alloc_ctx, b->slots, 0);
	b->slots = slots;
	b->capacity = newcap;
	b->shift = newshift;
}

/* A stable copy of a key (keys of length 0 still get a non-NULL pointer). */
static const char *
copy_key(UnitMapBuilder *b, const char *key, size_t keylen)
{
	char	   *dst;

	if (b->arena == NULL || b->arena_size - b->arena_used < keylen + 1)
	{
		size_t		size = keylen + 1 > ARENA_MIN ? keylen + 1 : ARENA_MIN;

		if (b->arena != NULL)
		{
			b->old_arenas = b->alloc(b->alloc_ctx, b->old_arenas,
									 (b->n_old + 1) * sizeof(char *));
			b->old_arenas[b->n_old++] = b->arena;
		}
		b->arena = b->alloc(b->alloc_ctx, NULL, size);
		b->arena_size = size;
		b->arena_used = 0;
	}
	dst = b->arena + b->arena_used;
	memcpy(dst, key, keylen);
	dst[keylen] = '\0';
	b->arena_used += keylen + 1;
	return dst;
}

static CaStatus
builder_merge_record(UnitMapBuilder *b, const UnitRecord *u)
{
	size_t		j;

	if ((b->count + 1) * 4 > b->capacity * 3)
		grow_table(b);
	j = (size_t) (u->hash >> b->shift);
	for (;;)
	{
		UnitRecord *s = &b->slots[j];

		if (s->key == NULL)
		{
			*s = *u;
			s->key = copy_key(b, u->key, u->keylen);
			if (!(s->flags & UNIT_REVENUE_KNOWN))
				s->revenue = 0.0;
			b->count++;
			return CA_OK;
		}
		if (s->hash == u->hash && s->keylen == u->keylen &&
			memcmp(s->key, u->key, u->keylen) == 0)
			return merge_into(&s->flags, &s->revenue, u->flags, u->revenue);
		j = (j + 1) & (b->capacity - 1);
	}
}

CaStatus
unit_builder_add(UnitMapBuilder *b, const char *key, size_t keylen,
				 CaFlag completed, CaFlag churned,
				 bool has_revenue, double revenue)
{
	UnitRecord	u;

	if (keylen > UNIT_MAP_MAX_KEY)
		return CA_TOO_MANY;
	u.hash = unit_map_hash(key, keylen);
	u.key = key;
	u.keylen = (uint16_t) keylen;
	u.flags = 0;
	if (completed != CA_FLAG_NULL)
		u.flags |= UNIT_COMPLETED_KNOWN | (completed == CA_FLAG_TRUE ? UNIT_COMPLETED : 0);
	if (churned != CA_FLAG_NULL)
		u.flags |= UNIT_CHURNED_KNOWN | (churned == CA_FLAG_TRUE ? UNIT_CHURNED : 0);
	if (has_revenue)
		u.flags |= UNIT_REVENUE_KNOWN;
	u.revenue = has_revenue ? revenue : 0.0;
	return builder_merge_record(b, &u);
}

CaStatus
unit_builder_add_map(UnitMapBuilder *b, const uint8_t *map)
{
	UnitMapReader r;
	UnitRecord	u;
	CaStatus	st;

	unit_map_read_start(&r, map);
	while (unit_map_read_next(&r, &u))
		if ((st = builder_merge_record(b, &u)) != CA_OK)
			return st;
	return CA_OK;
}

CaStatus
unit_builder_add_builder(UnitMapBuilder *b, const UnitMapBuilder *src)
{
	size_t		i;
	CaStatus	st;

	for (i = 0; i < src->capacity; i++)
		if (src->slots[i].key != NULL &&
			(st = builder_merge_record(b, &src->slots[i])) != CA_OK)
			return st;
	return CA_OK;
}

size_t
unit_builder_encoded_size(const UnitMapBuilder *b)
{
	size_t		size = UNIT_MAP_HEADER_SIZE;
	size_t		i;

	for (i = 0; i < b->capacity; i++)
		if (b->slots[i].key != NULL)
			size += UNIT_MAP_ENTRY_SIZE + b->slots[i].keylen;
	return size;
}

static int
record_ptr_cmp(const void *a, const void *b)
{
	return record_cmp(*(UnitRecord *const *) a, *(UnitRecord *const *) b);
}

/*
 * The table's units in slot order are out of hash order only where a
 * cluster of colliding units pushed some past their home slot, or wrapped
 * from the end of the table to its start: an insertion sort puts them in
 * order in about one comparison each.  Should the units be far from
 * sorted (keys chosen to collide), a full sort takes over once the
 * insertion sort has moved 8 units per unit.
 */
void
unit_records_sort(UnitRecord **order, size_t n)
{
	size_t		budget = 8 * n;
	size_t		i;

	for (i = 1; i < n; i++)
	{
		UnitRecord *u = order[i];
		size_t		j = i;

		while (j > 0 && record_cmp(order[j - 1], u) > 0)
		{
			order[j] = order[j - 1];
			j--;
			if (--budget == 0)
			{
				order[j] = u;
				qsort(order, n, sizeof(UnitRecord *), record_ptr_cmp);
				return;
			}
		}
		order[j] = u;
	}
}

static uint8_t *
write_header(uint8_t *out, uint64_t count)
{
	memcpy(out, unit_map_magic, 4);
	out[4] = UNIT_MAP_FORMAT_VERSION;
	out[5] = out[6] = out[7] = 0;
	memcpy(out + 8, &count, 8);
	return out + UNIT_MAP_HEADER_SIZE;
}

static uint8_t *
write_record(uint8_t *out, const UnitRecord *u, uint8_t flags, double revenue)
{
	memcpy(out, &u->hash, 8);
	memcpy(out + 8, &revenue, 8);
	out[16] = flags;
	memcpy(out + 17, &u->keylen, 2);
	memcpy(out + 19, u->key, u->keylen);
	return out + UNIT_MAP_ENTRY_SIZE + u->keylen;
}

void
unit_builder_encode(UnitMapBuilder *b, uint8_t *out)
{
	UnitRecord **order = NULL;
	size_t		n = 0,
				lead = 0,
				i;

	if (b->count > 0)
		order = b->alloc(b->alloc_ctx, NULL, b->count * sizeof(UnitRecord *));

	/*
	 * Slot order, but the units of the cluster at the start of the table
	 * whose home slot is past theirs wrapped from its end: they go last.
	 */
	while (lead < b->capacity && b->slots[lead].key != NULL)
		lead++;
	for (i = 0; i < lead; i++)
		if ((size_t) (b->slots[i].hash >> b->shift) <= i)
			order[n++] = &b->slots[i];
	for (i = lead; i < b->capacity; i++)
		if (b->slots[i].key != NULL)
			order[n++] = &b->slots[i];
	for (i = 0; i < lead; i++)
		if ((size_t) (b->slots[i].hash >> b->shift) > i)
			order[n++] = &b->slots[i];
	unit_records_sort(order, n);
	out = write_header(out, n);
	for (i = 0; i < n; i++)
		out = write_record(out, order[i], order[i]->flags, order[i]->revenue);
	if (order != NULL)
		b->alloc(b->alloc_ctx, order, 0);
}

const char *
unit_map_problem(const uint8_t *map, size_t len)
{
	uint64_t	count,
				i;
	size_t		pos = UNIT_MAP_HEADER_SIZE;
	UnitRecord	prev = {0},
				u;

	if (len < UNIT_MAP_HEADER_SIZE || memcmp(map, unit_map_magic, 4) != 0)
		return "Not a unit map";
	if (map[4] != UNIT_MAP_FORMAT_VERSION)
		return "Unsupported unit map format version";
	if (map[5] != 0 || map[6] != 0 || map[7] != 0)
		return "Reserved bytes are not zero";
	memcpy(&count, map + 8, 8);
	if (count > (len - UNIT_MAP_HEADER_SIZE) / UNIT_MAP_ENTRY_SIZE)
		return "Unit count does not fit the value's size";
	for (i = 0; i < count; i++)
	{
		if (len - pos < UNIT_MAP_ENTRY_SIZE)
			return "Value ends inside a unit";
		memcpy(&u.hash, map + pos, 8);
		memcpy(&u.revenue, map + pos + 8, 8);
		u.flags = map[pos + 16];
		memcpy(&u.keylen, map + pos + 17, 2);
		pos += UNIT_MAP_ENTRY_SIZE;
		if (len - pos < u.keylen)
			return "Value ends inside a unit's key";
		u.key = (const char *) map + pos;
		pos += u.keylen;
		if ((u.flags & ~UNIT_FLAGS_ALL) ||
			((u.flags & UNIT_COMPLETED) && !(u.flags & UNIT_COMPLETED_KNOWN)) ||
			((u.flags & UNIT_CHURNED) && !(u.flags & UNIT_CHURNED_KNOWN)))
			return "A unit has invalid outcome flags";
		if (!(u.flags & UNIT_REVENUE_KNOWN) && (u.revenue != 0.0 || signbit(u.revenue)))
			return "A unit without revenue has a revenue";
		if (u.hash != unit_map_hash(u.key, u.keylen))
			return "A unit's hash does not match its key";
		if (i > 0 && record_cmp(&prev, &u) >= 0)
			return "Units are not in order";
		prev = u;
	}
	if (pos != len)
		return "Bytes follow the last unit";
	return NULL;
}

uint64_t
unit_map_count(const uint8_t *map)
{
	uint64_t	count;

	memcpy(&count, map + 8, 8);
	return count;
}

void
unit_map_read_start(UnitMapReader *r, const uint8_t *map)
{
	r->pos = map + UNIT_MAP_HEADER_SIZE;
	r->left = unit_map_count(map);
}

bool
unit_map_read_next(UnitMapReader *r, UnitRecord *out)
{
	if (r->left == 0)
		return false;
	memcpy(&out->hash, r->pos, 8);
	memcpy(&out->revenue, r->pos + 8, 8);
	out->flags = r->pos[16];
	memcpy(&out->keylen, r->pos + 17, 2);
	out->key = (const char *) r->pos + UNIT_MAP_ENTRY_SIZE;
	r->pos += UNIT_MAP_ENTRY_SIZE + out->keylen;
	r->left--;
	return true;
}

/* Two maps read side by side, in their common order. */
typedef struct MapPair
{
	UnitMapReader ra,
				rb;
	UnitRecord	ua,
				ub;
	bool		has_a,
				has_b;
} MapPair;

static void
pair_start(MapPair *p, const uint8_t *a, const uint8_t *b)
{
	unit_map_read_start(&p->ra, a);
	unit_map_read_start(&p->rb, b);
	p->has_a = unit_map_read_next(&p->ra, &p->ua);
	p->has_b = unit_map_read_next(&p->rb, &p->ub);
}

/* Which comes next: < 0 a's unit, > 0 b's, 0 the same unit in both. */
static int
pair_cmp(const MapPair *p)
{
	return !p->has_a ? 1 : !p->has_b ? -1 : record_cmp(&p->ua, &p->ub);
}

static void
pair_advance(MapPair *p, int c)
{
	if (c <= 0)
		p->has_a = unit_map_read_next(&p->ra, &p->ua);
	if (c >= 0)
		p->has_b = unit_map_read_next(&p->rb, &p->ub);
}

CaStatus
unit_map_merge(const uint8_t *a, const uint8_t *b, uint8_t *out, size_t *outlen)
{
	MapPair		p;
	uint8_t    *start = out;
	uint64_t	n = 0;

	pair_start(&p, a, b);
	out += UNIT_MAP_HEADER_SIZE;
	while (p.has_a || p.has_b)
	{
		int			c = pair_cmp(&p);

		if (c < 0)
			out = write_record(out, &p.ua, p.ua.flags, p.ua.revenue);
		else if (c > 0)
			out = write_record(out, &p.ub, p.ub.flags, p.ub.revenue);
		else
		{
			uint8_t		flags = p.ua.flags;
			double		revenue = p.ua.revenue;
			CaStatus	st = merge_into(&flags, &revenue, p.ub.flags, p.ub.revenue);

			if (st != CA_OK)
				return st;
			out = write_record(out, &p.ua, flags, revenue);
		}
		pair_advance(&p, c);
		n++;
	}
	write_header(start, n);
	*outlen = out - start;
	return CA_OK;
}

uint64_t
unit_map_overlap(const uint8_t *a, const uint8_t *b)
{
	MapPair		p;
	uint64_t	n = 0;

	pair_start(&p, a, b);
	while (p.has_a && p.has_b)
	{
		int			c = pair_cmp(&p);

		n += c == 0;
		pair_advance(&p, c);
	}
	return n;
}

void
unit_record_cohort_unit(const UnitRecord *u, CohortUnit *out)
{
	out->completed = !(u->flags & UNIT_COMPLETED_KNOWN) ? CA_FLAG_NULL :
		(u->flags & UNIT_COMPLETED) ? CA_FLAG_TRUE : CA_FLAG_FALSE;
	out->churned = !(u->flags & UNIT_CHURNED_KNOWN) ? CA_FLAG_NULL :
		(u->flags & UNIT_CHURNED) ? CA_FLAG_TRUE : CA_FLAG_FALSE;
	out->has_value = (u->flags & UNIT_REVENUE_KNOWN) != 0;
	out->value = u->revenue;
	out->has_covariate = false;
	out->covariate = 0.0;
}
