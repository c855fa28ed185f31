# The pictures in a real parser and a real browser: every SVG and the HTML
# rollout report parse as XML (xmllint), render in headless Chromium to a
# screenshot that is not blank, and a rollout named <script> is shown as
# text, never run (Chromium's DOM after loading holds no script element).
use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use IPC::Run;
use Compress::Zlib;

my $chromium = (grep { -x } map { "$_/chromium" } split /:/, $ENV{PATH} . ':/usr/bin')[0];
my $xmllint = (grep { -x } map { "$_/xmllint" } split /:/, $ENV{PATH} . ':/usr/bin')[0];
plan skip_all => 'chromium and xmllint are needed (scripts/deps.sh installs them)'
  unless $chromium && $xmllint;

my $node = PostgreSQL::Test::Cluster->new('pictures');
$node->init;
$node->append_conf('postgresql.conf', "timezone = 'UTC'\nlc_messages = 'C'\n");
$node->start;
$node->safe_psql('postgres', 'CREATE EXTENSION cohort_analyzer');
$node->safe_psql('postgres', q{
CREATE TABLE requests (ts timestamptz, arm text, is_error boolean, latency_ms float8, revenue float8);
INSERT INTO requests
SELECT timestamptz '2030-01-01 09:00+00' + i * interval '1 second',
       CASE WHEN i % 10 = 0 THEN 'treatment' ELSE 'control' END,
       i % 10 = 0 AND i > 7200 AND i % 20 = 0, 20 + i % 13 + (i % 10 = 0)::int, (i % 7)::float8
FROM generate_series(0, 30000) AS i;
SELECT rollout_create('<script>document.title="ran"</script>', 'requests',
                      rollout_default_plan(true) || '{"min_requests": 10}');
SELECT rollout_start('<script>document.title="ran"</script>', '2030-01-01 09:00+00');
SELECT rollout_tick('2030-01-01 17:00+00');
});

my $dir = PostgreSQL::Test::Utils::tempdir;
my %docs = (
	'heatmap.svg' => q{
		SELECT retention_heatmap(array_agg('<b>week ' || c || '</b>' ORDER BY c), array_agg(r ORDER BY c), '<script>x</script>')
		FROM (SELECT c, retention_agg(a) AS r
		      FROM (SELECT c, u, activity_agg(timestamptz '2030-01-07' + c * interval '7 days',
		                                      timestamptz '2030-01-07' + (c + w) * interval '7 days', 'week', 5) AS a
		            FROM generate_series(0, 3) c, generate_series(1, 50) u, generate_series(0, 4) w
		            WHERE (u + w * c) % (w + 2) = 0 GROUP BY c, u) s GROUP BY c) t},
	'survival.svg' => q{
		SELECT survival_plot(ARRAY['control', 'treatment <&>'],
		                     ARRAY[(SELECT survival_agg(i % 30, i % 4 = 0) FROM generate_series(1, 500) i),
		                           (SELECT survival_agg(i % 25, i % 3 = 0) FROM generate_series(1, 300) i)],
		                     'Churn', 0.95, 'days')},
	'latency.svg' => q{
		SELECT latency_plot(ARRAY['control', 'treatment'],
		                    ARRAY[(SELECT quantile_sketch_agg(exp(3 + (i % 101) / 50.0)) FROM generate_series(1, 3000) i),
		                          (SELECT quantile_sketch_agg(1.1 * exp(3 + (i % 101) / 50.0)) FROM generate_series(1, 3000) i)],
		                    'Latency')},
	'report.html' => q{SELECT rollout_report('<script>document.title="ran"</script>')},
);

# A PNG that is not blank: its pixels take more than a few colours.
sub png_colours
{
	my ($file) = @_;
	open my $fh, '<:raw', $file or return 0;
	local $/;
	my $png = <$fh>;
	close $fh;
	return 0 unless substr($png, 0, 8) eq "\x89PNG\r\n\x1a\n";
	my ($pos, $idat, $w, $h, $bpp) = (8, '');
	while ($pos + 8 <= length $png)
	{
		my ($len, $type) = unpack 'N a4', substr($png, $pos, 8);
		my $data = substr($png, $pos + 8, $len);
		if ($type eq 'IHDR')
		{
			my ($depth, $ctype);
			($w, $h, $depth, $ctype) = unpack 'N N C C', $data;
			return 0 unless $depth == 8;
			$bpp = { 2 => 3, 6 => 4, 0 => 1, 4 => 2 }->{$ctype} or return 0;
		}
		$idat .= $data if $type eq 'IDAT';
		$pos += 12 + $len;
	}
	my $raw = Compress::Zlib::uncompress($idat) // return 0;
	my $stride = $w * $bpp;
	my @prev = (0) x $stride;
	my %colours;
	for my $y (0 .. $h - 1)
	{
		my $off = $y * ($stride + 1);
		my $filter = ord substr($raw, $off, 1);
		my @cur = unpack 'C*', substr($raw, $off + 1, $stride);
		for my $x (0 .. $stride - 1)
		{
			my $a = $x >= $bpp ? $cur[ $x - $bpp ] : 0;
			my $b = $prev[$x];
			my $c = $x >= $bpp ? $prev[ $x - $bpp ] : 0;
			my $p = $a + $b - $c;
			my ($pa, $pb, $pc) = (abs($p - $a), abs($p - $b), abs($p - $c));
			my $pred =
			    $filter == 1 ? $a
			  : $filter == 2 ? $b
			  : $filter == 3 ? int(($a + $b) / 2)
			  : $filter == 4 ? ($pa <= $pb && $pa <= $pc ? $a : $pb <= $pc ? $b : $c)
			  :                0;
			$cur[$x] = ($cur[$x] + $pred) & 255;
		}
		for (my $x = 0; $x < $stride; $x += $bpp)
		{
			$colours{ join ',', @cur[ $x .. $x + $bpp - 1 ] } = 1;
		}
		@prev = @cur;
	}
	return scalar keys %colours;
}

for my $name (sort keys %docs)
{
	my $text = $node->safe_psql('postgres', $docs{$name});
	my $file = "$dir/$name";
	open my $fh, '>:raw', $file or die $!;
	print $fh $text;
	close $fh;

	my ($out, $err) = ('', '');
	ok(IPC::Run::run([ $xmllint, '--noout', $file ], '>', \$out, '2>', \$err), "$name parses as XML")
	  or diag($err);
	unlike($text, qr/<script|\bhref=|\bsrc=|url\(/i, "$name has no script and no external asset");

	my $png = "$dir/$name.png";
	my @chrome = ($chromium, '--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars',
		"--user-data-dir=$dir/chromium", '--window-size=1000,900');
	local $ENV{HOME} = $dir;
	IPC::Run::run([ @chrome, "--screenshot=$png", "file://$file" ], '>', \$out, '2>', \$err,
		IPC::Run::timeout(120));
	my $colours = png_colours($png);
	cmp_ok($colours, '>', 8, "$name renders in Chromium to a screenshot that is not blank ($colours colours)");

	next unless $name eq 'report.html';
	my $dom = '';
	IPC::Run::run([ @chrome, '--dump-dom', "file://$file" ], '>', \$dom, '2>', \$err, IPC::Run::timeout(120));
	unlike($dom, qr/<script/i, 'the rollout named <script> created no script element');
	like($dom, qr/<title>Rollout &lt;script&gt;document\.title="ran"&lt;\/script&gt;<\/title>/,
		'the rollout named <script> is shown as text, and no script changed the title');
}

$node->stop;
done_testing();
