# The library exports exactly what PostgreSQL looks up in it: the magic
# block, _PG_init, every C function the installed scripts name (every
# released version, and the upgrade scripts) with its pg_finfo_ record,
# and the background workers' entry points.  Everything else is hidden
# (built with -fvisibility=hidden), so no helper of the library can clash
# with a symbol of the server or of another extension.
use strict;
use warnings;

use PostgreSQL::Test::Utils;
use Test::More;

my $pkglibdir = `pg_config --pkglibdir`;
my $sharedir = `pg_config --sharedir`;
chomp($pkglibdir, $sharedir);
my $library = "$pkglibdir/cohort_analyzer.so";
ok(-f $library, "the library is installed: $library");

my @scripts = glob("$sharedir/extension/cohort_analyzer--*.sql");
ok(scalar(@scripts) >= 2, 'install and upgrade scripts: ' . join(' ', map { s{.*/}{}r } @scripts));

my %expected = (Pg_magic_func => 'the magic block', _PG_init => 'module initialization');
for my $script (@scripts)
{
	my $sql = slurp_file($script);
	my $name = $script =~ s{.*/}{}r;
	while ($sql =~ /'MODULE_PATHNAME'(\s*,\s*'(\w+)')?/g)
	{
		my $symbol = $2;
		if (!defined $symbol)
		{
			# without a link symbol, the SQL name is the C name
			my $before = substr($sql, 0, $-[0]);
			($symbol) = $before =~ /.*FUNCTION\s+(?:\S+\.)?"?(\w+)"?\s*\(/s;
		}
		$expected{$symbol} = "named in $name";
		$expected{"pg_finfo_$symbol"} = "named in $name";
	}
}

# Background workers are registered by the name of a void f(Datum) entry point.
my $top = $ENV{top_srcdir};
my $sources = join "\n", map { slurp_file($_) } glob("$top/src/*.c $top/src/*.h");
my %entry = map { $_ => 1 } $sources =~ /\bvoid\s+(\w+)\s*\(\s*Datum\b/g;
for my $worker (sort keys %entry)
{
	$expected{$worker} = 'a background worker entry point'
	  if $sources =~ /"\Q$worker\E"/;
}
ok(grep({ /background worker/ } values %expected), 'background worker entry points found');

my %exported;
for my $line (split /\n/, `nm -D --defined-only '$library'`)
{
	my ($type, $symbol) = (split ' ', $line)[ 1, 2 ];
	$exported{$symbol} = $type if defined $symbol;
}
ok(keys %exported > 0, 'nm lists the dynamic symbols');

my @extra = grep { !exists $expected{$_} } sort keys %exported;
my @missing = grep { !exists $exported{$_} } sort keys %expected;
is(join(' ', @extra), '', 'no symbol is exported that PostgreSQL does not look up');
is(join(' ', @missing), '', 'every symbol PostgreSQL looks up is exported')
  or diag(join "\n", map { "$_: $expected{$_}" } @missing);
note(scalar(keys %exported) . ' symbols exported');

done_testing();
