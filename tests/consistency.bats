#!/usr/bin/env bats
# consistency.bats: programs of the same role tell the user the same thing
# (PROTOCOL.md section 1): every publisher's --help is the same text apart
# from the program's name, and so is every subscriber's; a usage error is
# one line from each, in its own parser's words, with status 2. One program checked against the protocol is
# cli.bats; this file compares the implementations with each other, so a
# change made to one and not the others shows here.
#
# The sources are held to PROTOCOL.md section 9 ("One program in three
# languages") the same way: each program's opening comment is the same text
# in every language once its comment markers are stripped; every function
# that the step table names is defined in the file or directory it names;
# and each program's own file stays short (under 150 lines), the plumbing
# being in the modules. File and function names are read from PROTOCOL.md.
#
# tests/run runs this file once, over every program in bin/.

load "${TESTS_DIR:-$BATS_TEST_DIRNAME}/lib/common"
load "${TESTS_DIR:-$BATS_TEST_DIRNAME}/lib/sources"

# same_for_all ROLE WHAT ARGS...: run every bin/*-ROLE with ARGS; WHAT (out
# or err) must be the same for all once each name is replaced by PROG.
same_for_all() {
  local role=$1 what=$2 names=() n first=
  shift 2
  mapfile -t names < <(real_programs "$role")
  ((${#names[@]} >= 2)) || skip "fewer than two ${role}s in $BIN_DIR: nothing to compare"
  for n in "${names[@]}"; do
    run_fg "$n" - env PIPE_PATH="$PIPE" "$BIN_DIR/$n-$role" "$@"
    sed "s/$n-$role/PROG/g" "$T/$n.$what" >"$T/$n.$what-generic"
    [[ -s $T/$n.$what-generic ]] || fail "$n-$role $* printed nothing on std$what"
    if [[ -z $first ]]; then
      first=$n
    else
      assert_same_bytes "$n-$role's std$what for $* (name replaced; compared with $first-$role's)" \
        "$T/$first.$what-generic" "$T/$n.$what-generic"
    fi
  done
}

@test "every publisher prints the same --help, apart from its name" {
  same_for_all publisher out --help
}

@test "every subscriber prints the same --help, apart from its name" {
  same_for_all subscriber out --help
}

# usage_error_for_all ROLE ARGS...: every bin/*-ROLE given ARGS exits 2 with
# one line on stderr that starts with its name (the wording is each
# language's own parser's).
usage_error_for_all() {
  local role=$1 names=() n
  shift
  mapfile -t names < <(real_programs "$role")
  ((${#names[@]} >= 2)) || skip "fewer than two ${role}s in $BIN_DIR: nothing to compare"
  for n in "${names[@]}"; do
    run_fg "$n" - env PIPE_PATH="$PIPE" "$BIN_DIR/$n-$role" "$@"
    expect_status "$n" 2
    [[ $(wc -l <"$T/$n.err") == 1 && $(<"$T/$n.err") == "$n-$role: "* ]] ||
      fail "$(printf '%s-%s %s: expected one line starting "%s-%s: "; got:\n' "$n" "$role" "$*" "$n" "$role"; cat -A "$T/$n.err")"
  done
}

@test "every publisher answers a usage error with one line and status 2" {
  usage_error_for_all publisher --pipe
}

@test "every subscriber answers a usage error with one line and status 2" {
  usage_error_for_all subscriber --bogus
}

# same_opening_comment ROLE: the programs ROLE.* of section 9 (publisher.c,
# publisher.go, publisher.py) open with the same text.
same_opening_comment() {
  local files=() f first=
  mapfile -t files < <(program_files | grep -E "(^|/)$1\.[a-z]+$")
  ((${#files[@]} >= 2)) || fail "PROTOCOL.md section 9 names fewer than two $1 files: ${files[*]}"
  for f in "${files[@]}"; do
    [[ -f $REPO_DIR/$f ]] || fail "$f, named in PROTOCOL.md section 9, does not exist"
    opening_comment "$f" >"$T/${f//\//_}.text" 2>"$T/why" || fail "$(cat "$T/why")"
    [[ -s $T/${f//\//_}.text ]] || fail "$f: its opening comment is empty"
    if [[ -z $first ]]; then
      first=$f
    else
      assert_same_bytes "the opening comment of $f (markers stripped; compared with $first's)" \
        "$T/${first//\//_}.text" "$T/${f//\//_}.text"
    fi
  done
}

@test "every publisher file opens with the same comment text, in every language" {
  same_opening_comment publisher
}

@test "every subscriber file opens with the same comment text, in every language" {
  same_opening_comment subscriber
}

@test "every function of PROTOCOL.md section 9's step table is defined where it says" {
  local lang step cell fn place rows=0 missing=()
  while IFS=$'\t' read -r lang step cell; do
    rows=$((rows + 1))
    while IFS=$'\t' read -r fn place; do
      if [[ -z $place || ! -e $REPO_DIR/$place ]]; then
        missing+=("$lang, step \"$step\": $fn(): ${place:-no file named}${place:+ does not exist}")
      elif ! defined_in "$lang" "$fn" "$place"; then
        missing+=("$lang, step \"$step\": $fn() is not defined in $place")
      fi
    done < <(cell_places "$lang" "$cell")
  done < <(step_table)
  ((rows >= 3)) || fail "no step table found in section 9 of $PROTOCOL"
  ((${#missing[@]} == 0)) || fail "$(printf '%s\n' "${missing[@]}")"
}

@test "each program file of section 9 is under 150 lines" {
  local f n files=() long=()
  mapfile -t files < <(program_files)
  ((${#files[@]})) || fail "no program files named in section 9 of $PROTOCOL"
  for f in "${files[@]}"; do
    [[ -f $REPO_DIR/$f ]] || { long+=("$f: does not exist"); continue; }
    n=$(wc -l <"$REPO_DIR/$f")
    ((n < 150)) || long+=("$f: $n lines")
  done
  ((${#long[@]} == 0)) || fail "$(printf '%s\n' "${long[@]}")"
}

@test "each program's main() is at most 30 lines of code with at most 10 branch points" {
  local f lines branches files=() long=()
  mapfile -t files < <(program_files)
  ((${#files[@]})) || fail "no program files named in section 9 of $PROTOCOL"
  for f in "${files[@]}"; do
    lines=$(main_code "$f" | wc -l)
    branches=$(main_code "$f" | branch_points)
    ((lines >= 5)) || long+=("$f: no main() found ($lines lines)")
    ((lines <= 30)) || long+=("$f: main() has $lines lines of code, over 30")
    ((branches <= 10)) || long+=("$f: main() has $branches branch points, over 10")
  done
  ((${#long[@]} == 0)) || fail "$(printf '%s\n' "${long[@]}")"
}

@test "every function each program's main() calls is in section 9's step table" {
  local f lang call name table missing=()
  for f in $(program_files); do
    case $f in *.c) lang=C ;; *.go) lang=Go ;; *.py) lang=Python ;; esac
    table=$(step_table | awk -F '\t' -v lang="$lang" '$1 == lang { print $3 }')
    while IFS= read -r call; do
      name=${call##*.}
      grep -qE "(^|[\`. ])${name}\(\)" <<<"$table" ||
        missing+=("$f: main() calls $call(), which the $lang column of the step table does not name")
    done < <(main_calls "$f")
  done
  ((${#missing[@]} == 0)) || fail "$(printf '%s\n' "${missing[@]}")"
}

@test "every relative link in every Markdown file resolves" {
  run python3 - "$REPO_DIR" <<'PY'
import pathlib, re, subprocess, sys
repo = pathlib.Path(sys.argv[1])
files = subprocess.run(["git", "-C", str(repo), "ls-files", "*.md"], capture_output=True,
                       text=True).stdout.split()
if not files:
    files = [str(p.relative_to(repo)) for p in repo.rglob("*.md") if ".git" not in p.parts]
link = re.compile(r"\]\(([^)\s]+)\)")
broken, seen = [], 0
for name in files:
    md = repo / name
    text = re.sub(r"```.*?```", "", md.read_text(encoding="utf-8"), flags=re.S)
    text = re.sub(r"`[^`\n]*`", "", text)  # code spans show links, they are none
    for target in link.findall(text):
        if re.match(r"^[a-z]+:", target) or target.startswith("#"):
            continue
        seen += 1
        path = target.split("#", 1)[0]
        if not (md.parent / path).exists():
            broken.append(f"{name}: ({target}) does not exist")
print(f"{seen} relative links in {len(files)} Markdown files")
print("\n".join(broken))
sys.exit(1 if broken or seen == 0 else 0)
PY
  assert_success
}
