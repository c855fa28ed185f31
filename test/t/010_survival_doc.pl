# The SQL examples of doc/survival.md from the stratified log-rank test on
# (hazard ratios, predicting churn, trends) run, in order, in one session of
# a fresh database, and print what the documentation says they print: the
# "-- " comment lines right after a statement are its expected output
# (aligned, or unaligned tuples only when it is a single line).
use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $doc = "$ENV{top_srcdir}/doc/survival.md";
open(my $fh, '<', $doc) or die "cannot read $doc: $!";
my @lines = <$fh>;
close $fh;
chomp @lines;

# the sql blocks between the first and the second marker
my ($from, $to) = ('### Stratified:', '## Example: churn curves');
my (@blocks, $in_range, $block);
for my $line (@lines)
{
	$in_range = 1 if index($line, $from) == 0;
	last if $in_range && index($line, $to) == 0;
	next unless $in_range;
	if (!defined $block && $line eq '```sql') { $block = []; next; }
	if (defined $block && $line eq '```') { push @blocks, $block; undef $block; next; }
	push @$block, $line if defined $block;
}
ok(@blocks >= 8, 'found ' . scalar(@blocks) . ' example blocks');

# statements, each with the comment lines that follow it directly
my @stmts;
for my $b (@blocks)
{
	my ($sql, $i) = ('', 0);
	while ($i < @$b)
	{
		my $line = $b->[$i++];
		$sql .= "$line\n";
		next unless $line =~ /;\s*$/ && $line !~ /^\s*--/;
		my @expected;
		while ($i < @$b && $b->[$i] =~ /^--( |$)(.*)$/)
		{
			push @expected, $2;
			$i++;
		}
		push @stmts, { sql => $sql, expected => \@expected };
		$sql = '';
	}
}

my $node = PostgreSQL::Test::Cluster->new('doc');
$node->init;
$node->append_conf('postgresql.conf', "timezone = 'UTC'\nlc_messages = 'C'\n");
$node->start;
$node->safe_psql('postgres', 'CREATE EXTENSION cohort_analyzer');

my $script = "\\pset footer off\n";
for my $k (0 .. $#stmts)
{
	my $single = @{ $stmts[$k]{expected} } == 1;
	$script .= $single
	  ? "\\pset format unaligned\n\\pset tuples_only on\n"
	  : "\\pset format aligned\n\\pset tuples_only off\n";
	$script .= "\\echo \@\@$k\n$stmts[$k]{sql}";
}
my ($out, $err);
my $rc = $node->psql('postgres', $script, stdout => \$out, stderr => \$err,
	on_error_stop => 1);
is($rc, 0, 'every example runs') or diag($err);

my %got;
my $cur;
for my $line (split /\n/, $out)
{
	if ($line =~ /^\@\@(\d+)$/) { $cur = $1; $got{$cur} = []; next; }
	next if $line =~ /^(Output format|Tuples only|Pager usage|Default footer)/;
	push @{ $got{$cur} }, $line if defined $cur;
}
for my $k (0 .. $#stmts)
{
	my @want = map { s/\s+$//r } @{ $stmts[$k]{expected} };
	next unless @want;
	my @have = grep { $_ ne '' } map { s/\s+$//r } @{ $got{$k} // [] };
	my ($first) = grep { /\S/ } split /\n/, $stmts[$k]{sql};
	is(join("\n", @have), join("\n", @want), "output of: $first");
}

$node->stop;
done_testing();
