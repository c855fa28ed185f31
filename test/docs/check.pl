#!/usr/bin/env perl
# Runs the documentation's SQL against an existing database, e.g. the kept
# demo cluster:
#   DEMO_KEEP=1 make demo
#   perl test/docs/check.pl [-r] -h .demo/sock -p 54400 -U postgres demo [-- doc/tutorial.md ...]
# -r runs each page in a transaction that is rolled back, so that a page can
# be checked again and again.  --fill writes what psql printed into empty
# ```output blocks (read the result before committing it).
# Prints TAP; test/t/006_docs.pl runs the same checks on a throwaway instance.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../t";
use DocBlocks;
use Test::More;

my $root = "$FindBin::Bin/../..";
my (@psql, @pages);
my $seen = 0;
my ($rollback, $fill) = (0, 0);
for (@ARGV) { if ($_ eq '-r') { $rollback = 1; next } if ($_ eq '--fill') { $fill = 1; next } if ($_ eq '--') { $seen = 1; next } $seen ? push(@pages, $_) : push(@psql, $_) }
@pages = sort glob("$root/doc/*.md") unless @pages;
my %pending = DocBlocks::pending($root);
for my $page (@pages)
{
	(my $rel = $page) =~ s{^\Q$root\E/}{};
	my %empty = DocBlocks::run_page($page, [ 'psql', @psql ],
		$pending{$rel} ? "$rel is in test/docs/pending.txt" : undef, $rollback);
	fill($page, %empty) if $fill && %empty;
}
done_testing();

# --fill: writes what psql printed into the page's empty output blocks (to be
# read before committing).
sub fill
{
	my ($page, %empty) = @_;
	open my $in, '<:encoding(UTF-8)', $page or die "$page: $!";
	my @lines = <$in>;
	close $in;
	for my $start (sort { $b <=> $a } keys %empty)
	{
		my @text = map { s/\s+$//r . "\n" } DocBlocks::normalize($empty{$start});
		splice @lines, $start - 1, 0, @text;
	}
	open my $out, '>:encoding(UTF-8)', $page or die "$page: $!";
	print $out @lines;
	close $out;
}
