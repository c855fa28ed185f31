-- cohort_analyzer 1.0 -> 1.1, applied by ALTER EXTENSION cohort_analyzer UPDATE.
--
-- Written by hand: every change to the SQL API since 1.0 lands here as well
-- as in sql/install/, and test/t/002_update.pl checks that an updated
-- database ends up with exactly the objects of a fresh 1.1 install.  Every
-- reference is schema-qualified with @extschema@ or pg_catalog.

\echo Use "ALTER EXTENSION cohort_analyzer UPDATE TO '1.1'" to load this file. \quit
