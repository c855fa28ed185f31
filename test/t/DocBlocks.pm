# The documentation's SQL, run as written.  Used by test/t/003_docs.pl (on a
# throwaway instance holding the demo's data) and by test/docs/check.pl
# (against any database, e.g. a kept demo cluster).
#
# A page is read top to bottom and run in one psql session:
#
#   ```sql               a block that runs; it must not fail
#   ```output            what psql prints for the SQL block just before it
#                        (aligned format, trailing blanks ignored); "…"
#                        stands for any text within a line (what varies)
#   <!-- fact: QUERY --> a fact stated in the prose next to it: QUERY must
#                        return true
#
# Signatures and text forms use plain ``` blocks and are not run.  A page
# listed in test/docs/pending.txt still runs, but its failures are reported
# as TODO (expected while the page is being rewritten).
package DocBlocks;

use strict;
use utf8;
use warnings;
use File::Temp qw(tempfile);
use IPC::Run;
use Test::More;

our $MARK = '@@docs-block@@';

binmode(Test::More->builder->$_, ':encoding(UTF-8)') for qw(output failure_output todo_output);

# parse_page(PATH) -> list of { kind => sql|output|fact, text, line }
sub parse_page
{
	my ($path) = @_;
	open my $fh, '<:encoding(UTF-8)', $path or die "$path: $!";
	my @items;
	my ($in, $kind, $start, @buf);
	my $n = 0;
	while (my $l = <$fh>)
	{
		$n++;
		chomp $l;
		if (!defined $in)
		{
			if ($l =~ /^```(\S*)\s*$/)
			{
				$in = 1;
				$kind = $1;
				$start = $n + 1;
				@buf = ();
			}
			(my $prose = $l) =~ s/`[^`]*`//g;    # not in inline code
			while ($prose =~ /<!--\s*fact:\s*(.*?)\s*-->/g)
			{
				push @items, { kind => 'fact', text => $1, line => $n };
			}
			next;
		}
		if ($l =~ /^```\s*$/)
		{
			push @items, { kind => $kind, text => join("\n", @buf), line => $start }
			  if $kind eq 'sql' || $kind eq 'output';
			undef $in;
			next;
		}
		push @buf, $l;
	}
	die "$path: unterminated code block from line $start\n" if defined $in;
	return @items;
}

sub normalize
{
	my ($text) = @_;
	my @lines = map { s/\s+$//r } split /\n/, $text;
	shift @lines while @lines && $lines[0] eq '';
	pop @lines while @lines && $lines[-1] eq '';
	return @lines;
}

# A line of an output block matches a printed line; "…" matches any text.
sub line_matches
{
	my ($want, $got) = @_;
	my $re = join '.*?', map { quotemeta } split /…/, $want, -1;
	return $got =~ /^$re$/s;
}

sub output_matches
{
	my ($want, $got) = @_;
	my @w = normalize($want);
	my @g = normalize($got);
	return 0 unless @w == @g;
	for my $i (0 .. $#w)
	{
		return 0 unless line_matches($w[$i], $g[$i]);
	}
	return 1;
}

# run_page(PATH, PSQL_COMMAND_ARRAYREF, TODO_REASON, ROLLBACK): one test per SQL
# block (it runs), per output block (it matches) and per fact (it holds).
# ROLLBACK runs the page in a transaction that is rolled back (check.pl -r).
# Returns what was printed for each empty output block, by its first line.
sub run_page
{
	my ($path, $psql, $todo, $rollback) = @_;
	my @items = parse_page($path);
	my @runs = grep { $_->{kind} ne 'output' } @items;
	return unless @runs;

	# One script: a marker line before each block, facts as one-value queries.
	my ($fh, $file) = tempfile('docs_XXXX', SUFFIX => '.sql', TMPDIR => 1, UNLINK => 1);
	binmode $fh, ':encoding(UTF-8)';
	my $line = 0;
	my @starts;
	if ($rollback) { print $fh "BEGIN;\n"; $line++; }
	for my $i (0 .. $#runs)
	{
		my $it = $runs[$i];
		my $body = $it->{kind} eq 'fact'
		  ? "\\pset tuples_only on\nSELECT ($it->{text})::boolean AS fact;\n\\pset tuples_only off\n"
		  : "$it->{text}\n";
		my $chunk = "\\echo '$MARK $i'\n$body";
		push @starts, $line + 2;
		print $fh $chunk;
		$line += () = $chunk =~ /\n/g;
	}
	print $fh "ROLLBACK;\n" if $rollback;
	close $fh;
	chmod 0644, $file;

	my ($out, $err) = ('', '');
	IPC::Run::run([ @$psql, '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-f', $file ],
		'<', \undef, '>', \$out, '2>', \$err);
	utf8::decode($out);
	utf8::decode($err);

	my %printed;
	my $cur;
	for my $l (split /\n/, $out, -1)
	{
		if ($l =~ /^\Q$MARK\E (\d+)$/) { $cur = $1; $printed{$cur} = ''; next; }
		$printed{$cur} .= "$l\n" if defined $cur;
	}

	# The block where psql stopped, from the script line of its error.
	my $failed;
	if ($err =~ /^psql:\Q$file\E:(\d+): ERROR/m)
	{
		my $errline = $1;
		$failed = 0;
		$failed = $_ for grep { $starts[$_] <= $errline } 0 .. $#starts;
	}

	local $TODO = $todo;
	my $ri = -1;
	my %empty;
	for my $it (@items)
	{
		my $where = "$path:$it->{line}";
		if ($it->{kind} eq 'output')
		{
			my $got = $ri >= 0 && defined $printed{$ri} ? $printed{$ri} : '';
			$empty{ $it->{line} } = $got if $it->{text} eq '';
			ok(output_matches($it->{text}, $got), "$where: output as shown")
			  or diag("printed:\n$got\nshown:\n$it->{text}");
			next;
		}
		$ri++;
		my $ran = exists $printed{$ri} && !(defined $failed && $ri >= $failed);
		if ($it->{kind} eq 'fact')
		{
			my $v = $ran ? join('', normalize($printed{$ri})) =~ s/^\s+//r : '';
			ok($v eq 't', "$where: fact holds: $it->{text}")
			  or diag($ran ? "returned '$v'" : "not run");
		}
		else
		{
			ok($ran, "$where: SQL block runs")
			  or diag(defined $failed && $ri == $failed ? $err : 'not reached');
		}
	}
	return %empty;
}

# Pages whose failures are expected for now (test/docs/pending.txt).
sub pending
{
	my ($root) = @_;
	my %p;
	if (open my $fh, '<', "$root/test/docs/pending.txt")
	{
		while (<$fh>)
		{
			s/#.*//;
			s/^\s+|\s+$//g;
			$p{$_} = 1 if $_ ne '';
		}
	}
	return %p;
}

1;
