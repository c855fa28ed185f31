/*
 * field_text.h
 *		The text form every type shares: "(version=1, name=value, ...)".
 *
 * One reader for all of them: the glue's parser of the cohort, sketch,
 * activity and retention forms (src/field_list.c) and the survival form
 * (survival_format.c) take the fields from it and parse each value
 * themselves.  Field names are lower-case letters, digits and "_"; every
 * field appears once, "version" first and the others in any order; a value
 * runs to the next "," or ")" outside braces and brackets, so lists such as
 * {1,2} or [1:0/1, 2:1/0] are one value.  Spaces around names, "=", values
 * and separators are ignored.
 *
 * Plain C: no PostgreSQL headers.
 */
#ifndef CA_FIELD_TEXT_H
#define CA_FIELD_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "ca_status.h"

#define CA_FIELDS_MAX 32

/* What made ca_fields_next return CA_BAD_SYNTAX. */
typedef enum CaFieldSyntax
{
	CA_FIELDS_NO_OPEN,			/* the text does not start with "(" */
	CA_FIELDS_UNKNOWN,			/* a name that is not a field (name, name_len) */
	CA_FIELDS_VERSION_ORDER,	/* "version" is not first, or appears again */
	CA_FIELDS_TWICE,			/* the field appears twice */
	CA_FIELDS_NO_EQUALS,		/* no "=" after the field's name */
	CA_FIELDS_UNBALANCED,		/* a "}" that closes no "{" in the field's value */
	CA_FIELDS_NO_SEPARATOR,		/* neither "," nor ")" after the field's value */
	CA_FIELDS_TRAILING,			/* text after the closing ")" */
	CA_FIELDS_MISSING			/* the field never appeared */
} CaFieldSyntax;

typedef struct CaFieldReader
{
	const char *p;				/* the next character to read */
	const char *const *names;	/* the field names, "version" first */
	int			nfields;
	bool		started;		/* "(" has been read */
	bool		seen[CA_FIELDS_MAX];
	/* the problem, after CA_BAD_SYNTAX */
	CaFieldSyntax problem;
	int			field;			/* the field concerned, or -1 */
	const char *name;			/* CA_FIELDS_UNKNOWN: the name found */
	size_t		name_len;
} CaFieldReader;

/* Starts reading input, whose fields are names[0 .. nfields - 1]. */
extern void ca_fields_begin(CaFieldReader *r, const char *input,
							const char *const *names, int nfields);

/*
 * Reads the next "name=value": CA_OK with *field and the value, trimmed of
 * spaces (*len characters from *value, not terminated); CA_OK with *field
 * = -1 after the closing ")" when every field has appeared and nothing
 * follows; CA_BAD_SYNTAX with the problem in r otherwise.  The caller
 * parses each value before asking for the next field, so problems are
 * found in the order they appear in the text.
 */
extern CaStatus ca_fields_next(CaFieldReader *r, int *field,
							   const char **value, size_t *len);

#endif							/* CA_FIELD_TEXT_H */
