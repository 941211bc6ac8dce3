# tests/lib/sources.bash: reading the programs' source files and PROTOCOL.md
# section 9 ("One program in three languages"), for consistency.bats. The
# file names and function names come from PROTOCOL.md, never from here, so
# that the test checks the document against the code and not a copy of it.
#
# Needs REPO_DIR and PROTOCOL (set by lib/common.bash).

# protocol_section9: the text of PROTOCOL.md section 9, up to the next "## ".
protocol_section9() {
  awk '/^## / { inside = /^## 9\./; next } inside' "$PROTOCOL"
}

# program_files: the programs' own files, as section 9 names them in its
# paragraph "The programs are ...", one a line (c/publisher.c, ...).
# shellcheck disable=SC2016 # backquotes of Markdown, not of the shell
program_files() {
  protocol_section9 |
    awk '/^The programs are/ { inside = 1 } inside && /^$/ { exit } inside' |
    grep -oE '`[^`]+\.(c|go|py)`' | tr -d '`'
}

# opening_comment FILE: the text of FILE's opening comment, the comment
# markers stripped, exactly as the wrapping rules put them:
#   C       "/*" alone, then " * TEXT" (" *" for an empty line), then " */"
#   Go      "// TEXT" ("//" for an empty line) from line 1, directly followed
#           by "package main" (a doc comment)
#   Python  "#!/usr/bin/env python3", then '"""' alone, the text lines as
#           they are, then '"""' alone
# A line that breaks the rule is an error (on stderr, status 1), naming it.
opening_comment() {
  awk -v lang="${1##*.}" -v file="$1" '
    function bad(why) {
      printf "%s:%d: %s; the line is \"%s\"\n", file, FNR, why, $0 > "/dev/stderr"
      failed = 1
      exit 1
    }
    lang == "c" {
      if (FNR == 1) { if ($0 != "/*") bad("the file does not start with \"/*\" alone"); next }
      if ($0 == " */") { done = 1; exit }
      if ($0 == " *") { print ""; next }
      if ($0 ~ /^ \* ./ && $0 !~ /^ \*  *$/) { print substr($0, 4); next }
      bad("not \" * TEXT\", \" *\" or \" */\"")
    }
    lang == "go" {
      if ($0 == "//") { print ""; n++; next }
      if ($0 ~ /^\/\/ ./ && $0 !~ /^\/\/  *$/) { print substr($0, 4); n++; next }
      if (n == 0) bad("the file does not start with a \"// \" comment")
      if ($0 != "package main") bad("the comment is not directly followed by \"package main\"")
      done = 1
      exit
    }
    lang == "py" {
      if (FNR == 1) { if ($0 != "#!/usr/bin/env python3") bad("line 1 is not \"#!/usr/bin/env python3\""); next }
      if (FNR == 2) { if ($0 != "\"\"\"") bad("line 2 is not \"\"\"\" alone"); next }
      if ($0 == "\"\"\"") { done = 1; exit }
      print
      next
    }
    { bad("no comment rule for a ." lang " file") }
    END {
      if (!done && !failed) {
        printf "%s: the opening comment does not end\n", file > "/dev/stderr"
        exit 1
      }
    }
  ' "$REPO_DIR/$1"
}

# step_table: the rows of section 9's table "Each step of the protocol, and
# where it is done", one a line, as LANG<TAB>STEP<TAB>CELL (LANG is the
# column's heading: C, Go, Python).
step_table() {
  protocol_section9 | awk -F '|' '
    /^Each step of the protocol/ { inside = 1; next }
    !inside { next }
    inside && !/^\|/ { if (header) exit; next }
    !header { for (i = 3; i < NF; i++) { lang[i] = $i; gsub(/^ +| +$/, "", lang[i]) }; header = 1; next }
    /^\|[-| ]+\|$/ { next }
    {
      step = $2; gsub(/^ +| +$/, "", step)
      for (i = 3; i < NF; i++) { cell = $i; gsub(/^ +| +$/, "", cell); print lang[i] "\t" step "\t" cell }
    }'
}

# cell_places LANG CELL: what a cell of the step table names, one
# FUNCTION<TAB>PLACE a line: `a()`, `b()` in `dir/` gives a and b in dir/;
# `.Next()` is the previous name's type with the method Next; a name with no
# place after it is looked for in its package's (module's) place, go/internal/PKG/ or
# python/fifo_pubsub/PKG.py.
# shellcheck disable=SC2016 # backquotes of Markdown, not of the shell
cell_places() {
  local lang=$1 cell=$2 token name qualifier='' pending=() p
  while read -r token; do
    token=${token//\`/}
    if [[ $token == */* ]]; then
      for p in "${pending[@]}"; do printf '%s\t%s\n' "$p" "$token"; done
      pending=()
      continue
    fi
    name=${token%()}
    [[ $name == .* ]] && name=$qualifier$name
    qualifier=${name%.*}
    pending+=("$name")
  done < <(grep -oE '`[^`]+`' <<<"$cell")
  for p in "${pending[@]}"; do
    case $lang in
      Go) printf '%s\tgo/internal/%s/\n' "$p" "${p%%.*}" ;;
      Python) printf '%s\tpython/fifo_pubsub/%s.py\n' "$p" "${p%%.*}" ;;
      *) printf '%s\t\n' "$p" ;; # no place: defined_in says so
    esac
  done
}

# defined_in LANG NAME PLACE: is the function NAME defined in PLACE (a file,
# or a directory of Go files)? NAME may start with the package or module,
# which PLACE already says (fifo.Prepare in go/internal/fifo/), and may name a type
# and its method (fifo.Reader.Read, framing.FrameDecoder.feed):
#   C       a line that starts a definition: `[type words ]name(`, not `;`
#   Go      `func Name(`, or `func (r *Type) Name(` for a method
#   Python  `def name(` or `class Name` (a constructor) at the top level, or
#           a `def name(` indented within `class Type`
defined_in() {
  local lang=$1 name=$2 place=$3 unit files=() parts
  [[ -n $place ]] || return 1
  unit=${place%/}
  unit=${unit##*/}
  unit=${unit%.*}
  IFS=. read -r -a parts <<<"$name"
  ((${#parts[@]} > 1)) && [[ ${parts[0]} == "$unit" ]] && parts=("${parts[@]:1}")
  if [[ -d $REPO_DIR/$place ]]; then
    local f
    for f in "$REPO_DIR/$place"/*; do
      [[ $f == *_test.go ]] || files+=("$f")
    done
  else
    files=("$REPO_DIR/$place")
  fi
  ((${#files[@]})) && [[ -e ${files[0]} ]] || return 1
  case $lang-${#parts[@]} in
    C-1)
      grep -E "^([A-Za-z_][A-Za-z0-9_]*[ *]+)*${parts[0]}\(" "${files[@]}" | grep -qv ';[[:space:]]*$'
      ;;
    Go-1) grep -qE "^func ${parts[0]}\(" "${files[@]}" ;;
    Go-2) grep -qE "^func \(([A-Za-z_][A-Za-z0-9_]* )?\*?${parts[0]}\) ${parts[1]}\(" "${files[@]}" ;;
    Python-1) grep -qE "^(def ${parts[0]}\(|class ${parts[0]}\b)" "${files[@]}" ;;
    Python-2)
      awk -v cls="${parts[0]}" -v fn="${parts[1]}" '
        /^[^ \t#]/ { in_class = ($0 ~ "^class " cls "[(:]") }
        in_class && $0 ~ "^[ \t]+def " fn "\\(" { found = 1 }
        END { exit !found }' "${files[@]}"
      ;;
    *) return 1 ;;
  esac
}

# main_code FILE: the code lines of FILE's main function, its first line (the
# signature) and last line left out, comment lines, docstrings and blank
# lines dropped, string literals emptied: what a reader reads as main's code.
#   C       `int main(` to the `}` at the start of a line
#   Go      `func main() {` to the `}` at the start of a line
#   Python  `def main(` to the next line that starts at column 0
main_code() {
  awk -v lang="${1##*.}" '
    !inside {
      if ((lang == "c" && /^int main\(/) || (lang == "go" && /^func main\(\)/) || (lang == "py" && /^def main\(/)) inside = 1
      next
    }
    lang != "py" && /^}/ { exit }
    lang == "py" && /^[^ \t\n]/ { exit }
    {
      line = $0
      if (lang == "c") {
        if (comment) { if (line ~ /\*\//) { sub(/.*\*\//, "", line); comment = 0 } else next }
        gsub(/\/\*.*\*\//, "", line)
        if (line ~ /\/\*/) { sub(/\/\*.*/, "", line); comment = 1 }
        sub(/\/\/.*/, "", line)
      } else if (lang == "go") {
        sub(/\/\/.*/, "", line)
      } else {
        if (line ~ /^[ \t]*("""|r""")/) { doc = !doc; if (line ~ /""".*"""/) doc = !doc; next }
        if (doc) next
        sub(/#.*/, "", line)
      }
      gsub(/"([^"\\]|\\.)*"/, "\"\"", line)
      gsub(/\047([^\047\\]|\\.)*\047/, "\047\047", line)
      if (line ~ /^[ \t]*$/) next
      print line
    }' "$REPO_DIR/$1"
}

# branch_points: how many branch points the code on standard input has: each
# if, for, while, switch case, && and || (C, Go), and, or (Python), and ?
# (C's conditional) counts one.
branch_points() {
  grep -oE '\<(if|for|while|case|elif|and|or)\>|&&|\|\||\?' | wc -l
}

# main_calls FILE: the functions main calls, one a line as written
# (fifo_prepare, fifo.Prepare, pipe.read), keywords, type conversions (str,
# int) and the language's own exit (os.Exit, sys.exit) left out.
main_calls() {
  main_code "$1" | grep -oE '[A-Za-z_][A-Za-z0-9_.]*\(' | tr -d '(' |
    grep -vxE 'if|for|while|switch|return|sizeof|func|not|and|or|in|elif|int|bool|len|str|os\.Exit|sys\.exit' | sort -u
}
