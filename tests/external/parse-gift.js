// Reads a GIFT file with gift-pegjs (a PEG grammar of Moodle's GIFT format that we did not write) and
// prints what it understood as JSON on stdout: {"reader": "gift-pegjs@1.0.2", "questions": [...]}.
// A file it cannot parse prints {"reader", "error": {message, line, column, text}} and exits 1, so the
// Python test (tests/unit/test_export_readers.py) can show the offending line.
// Usage: node tests/external/parse-gift.js FILE.gift
"use strict";

const fs = require("fs");
const gift = require("gift-pegjs");
const reader = "gift-pegjs@" + require("gift-pegjs/package.json").version;

const file = process.argv[2];
if (!file) {
  process.stderr.write("usage: node parse-gift.js FILE.gift\n");
  process.exit(2);
}
const text = fs.readFileSync(file, "utf8");
try {
  process.stdout.write(JSON.stringify({ reader, questions: gift.parse(text) }) + "\n");
} catch (e) {
  if (!(e instanceof gift.SyntaxError)) throw e;
  const { line, column } = e.location.start;
  const error = { message: e.message, line, column, text: text.split(/\r\n|\n|\r/)[line - 1] };
  process.stdout.write(JSON.stringify({ reader, error }) + "\n");
  process.exit(1);
}
