#!/usr/bin/env bash
# Opens a `stance report` page in headless Chromium (Debian's package), takes a screenshot and
# fails if the page logs a console error, throws, breaks its Content-Security-Policy, or lets
# hostile article text run. Not part of CI: it needs Chromium (installed with apt-get if missing,
# as root) and takes a few minutes on a cold corpus.
#
#   scripts/report-screenshot.sh                     # build the corpus below, predict, report, check
#   scripts/report-screenshot.sh REPORT.html         # only check an existing report
#   SCREENSHOT=work/other.png scripts/report-screenshot.sh REPORT.html   # elsewhere than work/report.png
#
# The default corpus (work/report/corpus.jsonl): SEESAW train+dev (real news with dates, from
# ../shared/datasets), the project's own articles with their actors removed (so that discovery
# runs), scripts/report/hostile.jsonl (markup, quotes, unicode in text, ids, topics and actor
# names) and one invalid line (an error record in the predictions). The model is
# models/stance-default when trained, else a randomly initialised head on all-MiniLM-L6-v2
# (work/tmpmodel; the stances are then meaningless, the page is what is checked).
#
# Output: work/report/report.html; work/report.png (the corpus view and the first article, the
# hostile one); work/report-dom.html (the DOM after the script ran); work/report-console.log.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
work=work/report
mkdir -p "$work"
stance=target/release/stance

die() { echo "report-screenshot: error: $*" >&2; exit 1; }

# --- Chromium ---------------------------------------------------------------------------------
chromium=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$chromium" ]; then
  [ "$(id -u)" = 0 ] || die "chromium is not installed; run: sudo apt-get install chromium"
  echo "report-screenshot: installing chromium (apt-get)" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium fonts-dejavu-core >/dev/null
  chromium=$(command -v chromium)
fi

# run_chromium URL ARGS...: headless, no GPU, console messages on stderr.
run_chromium() {
  local url=$1; shift
  timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --no-first-run \
    --disable-extensions --hide-scrollbars --user-data-dir="$work/chromium-profile" \
    --enable-logging=stderr --v=0 --virtual-time-budget=10000 "$@" "$url"
}

# console_errors LOG: prints the console messages (the page logs none of its own, so any is a
# JavaScript error, an uncaught exception or a Content-Security-Policy violation).
console_errors() {
  grep -E 'CONSOLE|Uncaught|Content Security Policy|Refused to' "$1" || true
}

# check_page FILE.html FRAGMENT: loads the page, dumps its DOM; fails on console errors or a
# script that did not finish (body[data-ready]).
check_page() {
  local page=$1 fragment=$2 dom=$3 log=$4
  run_chromium "file://$(realpath "$page")$fragment" --dump-dom >"$dom" 2>"$log" || true
  local errors
  errors=$(console_errors "$log")
  if [ -n "$errors" ]; then
    echo "$errors" >&2
    return 1
  fi
  grep -q 'data-ready="true"' "$dom" || { echo "the page's script did not finish (no body[data-ready])" >&2; return 1; }
}

# --- the detector must catch a page that throws -----------------------------------------------
cat >"$work/throws.html" <<'HTML'
<!DOCTYPE html><html><head><meta charset="utf-8"><title>throws</title></head>
<body><script>document.body.dataset.ready = "true"; null.boom();</script></body></html>
HTML
if check_page "$work/throws.html" "" "$work/throws-dom.html" "$work/throws.log" 2>/dev/null; then
  die "self-test failed: a page that throws passed the console check (see $work/throws.log)"
fi
echo "report-screenshot: self-test ok (a throwing page is caught)" >&2

# --- the report ---------------------------------------------------------------------------------
if [ $# -ge 1 ]; then
  report=$1
  fragment=""
else
  [ -x "$stance" ] || nice -n 19 cargo build --release --quiet
  model=${MODEL:-models/stance-default}
  if [ ! -f "$model/config.json" ]; then
    model=work/tmpmodel
    [ -f "$model/config.json" ] || "$stance" model init --base models/all-MiniLM-L6-v2 -o "$model"
  fi
  corpus=$work/corpus.jsonl
  if [ ! -f "$corpus" ]; then
    shared=${SHARED:-../shared/datasets}
    [ -d "$shared/seesaw" ] || die "$shared/seesaw not found (set SHARED=path/to/datasets)"
    "$stance" data import -q --format seesaw "$shared/seesaw/train.jsonl" -o "$work/seesaw_train.jsonl"
    "$stance" data import -q --format seesaw "$shared/seesaw/dev.jsonl" -o "$work/seesaw_dev.jsonl"
    {
      cat scripts/report/hostile.jsonl
      cat "$work/seesaw_train.jsonl" "$work/seesaw_dev.jsonl"
      python3 -c '
import json, sys
for path in sys.argv[1:]:
    for line in open(path, encoding="utf-8"):
        if line.strip():
            record = json.loads(line)
            record.pop("actors", None)
            print(json.dumps(record, ensure_ascii=False))
' datasets/articles/train.jsonl datasets/articles/dev.jsonl datasets/articles/test.jsonl
      echo '{"id": "broken", "topic": "an article without text"}'
    } >"$corpus.partial"
    mv "$corpus.partial" "$corpus"
  fi
  predictions=$work/predictions.jsonl
  # --resume: a rerun (or a killed run) only predicts what is missing.
  nice -n 19 "$stance" predict -m "$model" -i "$corpus" -o "$predictions" --resume --skip-invalid --quiet
  report=$work/report.html
  "$stance" report "$predictions" --articles "$corpus" -o "$report" --title "stance report check ($(basename "$model"))"
  fragment="#article=hostile-script"
fi

dom=work/report-dom.html
log=work/report-console.log
if ! check_page "$report" "$fragment" "$dom" "$log"; then
  die "$report: console errors or an unfinished script (full log: $log)"
fi
# Hostile text must be shown as text: no element or attribute it contains may exist.
! grep -q 'data-pwned' "$dom" || die "$report: article text ran as script (data-pwned set)"
! grep -q '<title>PWNED' "$dom" || die "$report: article text ran as script (title changed)"
! grep -qE '<(img|iframe|svg/?) [^>]*(onerror|onload|src="https)' "$dom" || die "$report: article markup became elements"
scripts=$(grep -o '<script' "$dom" | wc -l)
[ "$scripts" -eq 2 ] || die "$report: $scripts <script> elements after rendering (expected the page's 2)"
if [ -n "$fragment" ]; then
  grep -q '&lt;script&gt;document.body.dataset.pwned' "$dom" \
    || die "$report: the hostile article's text is not shown (as text) in the article view"
fi

# No fragment here: a page that scrolls itself comes out blank in headless screenshots. The
# hostile article is the corpus's first, which the page opens by default.
shot=${SCREENSHOT:-work/report.png}
rm -f "$shot"
run_chromium "file://$(realpath "$report")" --screenshot="$(realpath "$(dirname "$shot")")/$(basename "$shot")" \
  --window-size=1400,3000 >/dev/null 2>"$work/screenshot.log" || true
[ -s "$shot" ] || die "no screenshot written (see $work/screenshot.log)"
echo "report-screenshot: ok: $report renders without console errors; hostile text stays text; screenshot $shot" >&2
