#!/bin/sh
# make-fixtures.sh: regenerate the show-result fixtures in this directory.
# The output is committed; rerun only to change the fixtures.
set -eu
cd "$(dirname "$0")"
labels="A>>B A>B A=B B>A B>>A"
models="alpha beta gamma delta,comma"

# Judgments: model i gets label (q*(i+2)+i) mod 5 in game 1 and
# (q*3+i*2+1) mod 5 in game 2; the baseline also judges itself.
awk -v models="$models" -v labels="$labels" 'BEGIN {
	n = split(models, m, " ")
	split(labels, l, " ")
	m[n + 1] = "base-model"
	for (i = 1; i <= n + 1; i++)
		for (q = 1; q <= 16; q++) {
			g1 = l[(q * (i + 1) + i - 1) % 5 + 1]
			g2 = l[(q * 3 + (i - 1) * 2 + 1) % 5 + 1]
			printf "{\"question_id\": \"q%02d\", \"model\": \"%s\", " \
			    "\"judge\": \"ensemble\", \"games\": [{\"score\": " \
			    "\"%s\"}, {\"score\": \"%s\"}]}\n", q, m[i], g1, g2
		}
}' > judgments.jsonl

# Answers with conv_metadata; alpha's file has CRLF line ends and raw
# U+2028 / U+0085 inside the text, beta's is compressed.
for name in base-model $models; do
	file=answers/$(echo "$name" | tr -d ,).jsonl
	awk -v name="$name" 'BEGIN {
		h = 0
		for (i = 1; i <= length(name); i++)
			h = (h * 31 + index("abcdefghijklmnopqrstuvwxyz-,", \
			    substr(name, i, 1))) % 997
		for (q = 1; q <= 16; q++) {
			tok = 200 + (h * 7 + q * 53) % 900
			printf "{\"question_id\": \"q%02d\", \"answer_id\": " \
			    "\"x%d\", \"model_id\": \"%s\", \"choices\": " \
			    "[{\"index\": 0, \"turns\": [{\"content\": " \
			    "\"line\\u2028one \342\200\250 two \302\205 " \
			    "\\\"quoted\\\" \354\225\210\353\205\225\"}]}], " \
			    "\"tstamp\": 1742894105.5, \"conv_metadata\": " \
			    "{\"token_len\": %d, \"header_count\": {\"h1\": %d, " \
			    "\"h2\": %d, \"h3\": 0, \"h4\": 0, \"h5\": 0, " \
			    "\"h6\": 0}, \"list_count\": {\"ordered\": %d, " \
			    "\"unordered\": %d}, \"bold_count\": {\"**\": %d, " \
			    "\"__\": 0}}}\n", q, q, name, tok, (h + q) % 3, \
			    (h * q) % 4, (q + 2 * h) % 5, (h + 3 * q) % 7, \
			    (h * 5 + q) % 6
		}
	}' > "$file"
done
sed 's/$/\r/' answers/alpha.jsonl > answers/alpha.tmp
mv answers/alpha.tmp answers/alpha.jsonl
zstd -q -19 -f --rm answers/beta.jsonl

# Gamma's judgments again, compressed, for zstd input.
grep '"model": "gamma"' judgments.jsonl | zstd -q -19 > gamma.jsonl.zst

# Crowd votes among four models (not a star), some with metadata.
awk 'BEGIN {
	split("x y z w", m, " ")
	split("model_a model_b tie model_a tie (bothbad) model_b model_a", \
	    wl, " ")
	k = 0
	for (r = 1; r <= 3; r++)
		for (i = 1; i <= 4; i++)
			for (j = 1; j <= 4; j++) {
				if (i == j)
					continue
				k++
				w = (k * 7 + i * 3 + j) % 5
				winner = w == 0 || w == 3 ? "model_a" : \
				    w == 1 ? "model_b" : w == 2 ? "tie" : \
				    "tie (bothbad)"
				if (i == 1 && j == 2 && r == 1)
					winner = "model_b"
				printf "{\"model_a\": \"%s\", \"model_b\": \"%s\", " \
				    "\"winner\": \"%s\", \"question_id\": " \
				    "\"v%d\"}\n", m[i], m[j], winner, k % 9
			}
}' > votes.jsonl
