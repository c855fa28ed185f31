/*
 * test_alloc.h
 *		Memory for the plain-C programs that test src/core outside the
 *		server (unit tests, fuzz harnesses, the seed writer): allocations
 *		that never fail (a failure aborts the run), as palloc never returns
 *		NULL in the server.
 */
#ifndef CA_TEST_ALLOC_H
#define CA_TEST_ALLOC_H

#include <stddef.h>
#include <stdlib.h>

static inline void *
test_xmalloc(size_t size)
{
	void	   *p = malloc(size ? size : 1);

	if (p == NULL)
		abort();
	return p;
}

/* realloc semantics for the allocators of src/core: size 0 frees */
static inline void *
test_alloc(void *ctx, void *ptr, size_t size)
{
	void	   *p;

	(void) ctx;
	if (size == 0)
	{
		free(ptr);
		return NULL;
	}
	p = realloc(ptr, size);
	if (p == NULL)
		abort();
	return p;
}

#endif							/* CA_TEST_ALLOC_H */
