# The documentation runs as written: the demo's scripts build their data on
# a throwaway instance, then every page of doc/ runs its SQL blocks in order
# (one psql session per page), comparing what psql prints with the page's
# output blocks and checking the facts stated in its prose
# (test/t/DocBlocks.pm describes the markup).
use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use IPC::Run;
use DocBlocks;

my $root = $ENV{top_srcdir} or die "top_srcdir is not set";

my $node = PostgreSQL::Test::Cluster->new('docs');
$node->init;
$node->append_conf('postgresql.conf',
	"timezone = 'UTC'\nlc_messages = 'C'\nshared_preload_libraries = 'cohort_analyzer'\n"
	  . "max_parallel_workers_per_gather = 2\nwork_mem = '64MB'\n");
$node->start;
$node->safe_psql('postgres', 'CREATE DATABASE demo');
my @psql = ('psql', '-d', $node->connstr('demo'));

# The demo's data, as `make demo` builds it (its output is not checked here).
my $out_dir = PostgreSQL::Test::Utils::tempdir;
for my $script (sort glob("$root/scripts/demo/*.sql"))
{
	my ($out, $err) = ('', '');
	my $ok = IPC::Run::run([ @psql, '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-v', "out_dir=$out_dir", '-f', $script ],
		'<', \undef, '>', \$out, '2>', \$err);
	ok($ok, "demo script " . ($script =~ s{.*/}{}r) . " runs") or diag($err);
}

my %pending = DocBlocks::pending($root);
for my $page (sort glob("$root/doc/*.md"))
{
	(my $rel = $page) =~ s{^\Q$root\E/}{};
	DocBlocks::run_page($page, \@psql, $pending{$rel} ? "$rel is in test/docs/pending.txt" : undef);
}

$node->stop;
done_testing();
