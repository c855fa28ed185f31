/*
 * field_text.c
 *		The reader of the "(version=1, name=value, ...)" text form.
 */
#include "field_text.h"

#include <string.h>

static bool
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static void
skip_space(CaFieldReader *r)
{
	while (is_space(*r->p))
		r->p++;
}

static CaStatus
fail(CaFieldReader *r, CaFieldSyntax problem, int field)
{
	r->problem = problem;
	r->field = field;
	return CA_BAD_SYNTAX;
}

void
ca_fields_begin(CaFieldReader *r, const char *input,
				const char *const *names, int nfields)
{
	memset(r, 0, sizeof(*r));
	r->p = input;
	r->names = names;
	r->nfields = nfields < CA_FIELDS_MAX ? nfields : CA_FIELDS_MAX;
	r->field = -1;
}

/* After a value (or "("): the end of the text, or the next field's name. */
static CaStatus
next_name(CaFieldReader *r, int *field)
{
	const char *key;
	int			f;

	skip_space(r);
	if (!r->started)
	{
		if (*r->p != '(')
			return fail(r, CA_FIELDS_NO_OPEN, -1);
		r->p++;
		r->started = true;
	}
	else if (*r->p == ')')
	{
		r->p++;
		skip_space(r);
		if (*r->p != '\0')
			return fail(r, CA_FIELDS_TRAILING, -1);
		for (f = 0; f < r->nfields; f++)
			if (!r->seen[f])
				return fail(r, CA_FIELDS_MISSING, f);
		*field = -1;
		return CA_OK;
	}
	else if (*r->p == ',')
		r->p++;
	else
		return fail(r, CA_FIELDS_NO_SEPARATOR, r->field);

	skip_space(r);
	key = r->p;
	while ((*r->p >= 'a' && *r->p <= 'z') || *r->p == '_' ||
		   (r->p > key && *r->p >= '0' && *r->p <= '9'))
		r->p++;
	for (f = 0; f < r->nfields; f++)
		if (strlen(r->names[f]) == (size_t) (r->p - key) &&
			strncmp(key, r->names[f], r->p - key) == 0)
			break;
	if (f == r->nfields)
	{
		r->name = key;
		r->name_len = r->p - key;
		return fail(r, CA_FIELDS_UNKNOWN, -1);
	}
	if (r->seen[0] != (f != 0))
		return fail(r, CA_FIELDS_VERSION_ORDER, f);
	if (r->seen[f])
		return fail(r, CA_FIELDS_TWICE, f);
	r->seen[f] = true;
	r->field = f;
	*field = f;
	return CA_OK;
}

CaStatus
ca_fields_next(CaFieldReader *r, int *field, const char **value, size_t *len)
{
	const char *end;
	int			depth = 0;
	CaStatus	st;

	if ((st = next_name(r, field)) != CA_OK || *field < 0)
		return st;
	skip_space(r);
	if (*r->p != '=')
		return fail(r, CA_FIELDS_NO_EQUALS, *field);
	r->p++;
	skip_space(r);
	*value = r->p;
	while (*r->p != '\0' && (depth > 0 || (*r->p != ',' && *r->p != ')')))
	{
		if (*r->p == '{' || *r->p == '[')
			depth++;
		else if (*r->p == '}' && --depth < 0)
			return fail(r, CA_FIELDS_UNBALANCED, *field);
		else if (*r->p == ']' && depth > 0)
			depth--;
		r->p++;
	}
	end = r->p;
	while (end > *value && is_space(end[-1]))
		end--;
	*len = end - *value;
	return CA_OK;
}
