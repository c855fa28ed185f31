/*
 * field_list.h
 *		The text form "(name=value, name=value, ...)" of the cohort, sketch,
 *		activity and retention types (read by src/core/field_text.c, which
 *		the survival form shares), and a parser of lists of counts "{1,2,3}".
 */
#ifndef CA_FIELD_LIST_H
#define CA_FIELD_LIST_H

#include "postgres.h"

/*
 * Splits input into the values of the fields named in names (nfields of
 * them, "version" first).  Each field must appear exactly once, in any
 * order after "version"; values are trimmed copies.  Raises a 22P02 ERROR
 * naming the type on any syntax problem.
 */
extern void ca_parse_fields(const char *input, const char *type_name,
							const char *const *names, int nfields,
							char **values);

/* Raises the 22P02 ERROR for a field whose value is invalid. */
extern void ca_field_error(const char *input, const char *type_name,
						   const char *field, const char *what);

/*
 * Raises the 22P02 ERROR for a value that parses but cannot come from real
 * data; problem says why.
 */
extern void ca_value_error(const char *input, const char *type_name,
						   const char *problem) pg_attribute_noreturn();

/*
 * Parses "{a,b,...}" of at most max integers into out; returns how many,
 * or -1 when the value is not such a list.
 */
extern int	ca_parse_int64_list(const char *value, int64 *out, int max);

#endif							/* CA_FIELD_LIST_H */
