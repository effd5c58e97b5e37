# compare.awk: compare two leaderboard CSVs (the Korean fork's columns) per model.
#
#	awk -f compare.awk expected.csv actual.csv
#
# Prints one line of figures: models (in both), missing (in one only),
# score (max |diff|, non-baseline), elo (max |diff|), tokens (avg_tokens
# mismatches), bounds (count), within06 (share within 0.6 points, %),
# mean (mean |diff| of bounds), max (max |diff| of bounds).  Bounds are
# rating_q025 and rating_q975 of every model, the baseline included.
# Set -v base=NAME to skip the baseline in score.
function abs(x) { return x < 0 ? -x : x }
# Split a CSV line whose only quoted fields are the two CI strings.
function fields(line, f,    n, i, c, q, cur) {
	n = 0; q = 0; cur = ""
	for (i = 1; i <= length(line); i++) {
		c = substr(line, i, 1)
		if (c == "\"") { q = !q; continue }
		if (c == "," && !q) { f[++n] = cur; cur = ""; continue }
		cur = cur c
	}
	f[++n] = cur
	return n
}
FNR == 1 { file++; next }
{
	fields($0, f)
	if (file == 1) {
		es[f[1]] = f[2]; el[f[1]] = f[3]; eh[f[1]] = f[4]
		et[f[1]] = f[5]; ee[f[1]] = f[6]
	} else {
		as[f[1]] = f[2]; al[f[1]] = f[3]; ah[f[1]] = f[4]
		at[f[1]] = f[5]; ae[f[1]] = f[6]
	}
}
END {
	for (m in es) if (!(m in as)) missing++
	for (m in as) if (!(m in es)) missing++
	for (m in es) {
		if (!(m in as)) continue
		models++
		if (m != base && abs(es[m] - as[m]) > score) score = abs(es[m] - as[m])
		if (abs(ee[m] - ae[m]) > elo) elo = abs(ee[m] - ae[m])
		if (et[m] != at[m]) tokens++
		d1 = abs(el[m] - al[m]); d2 = abs(eh[m] - ah[m])
		n += 2; sum += d1 + d2
		within += (d1 <= 0.6 + 1e-9) + (d2 <= 0.6 + 1e-9)
		if (d1 > max) max = d1
		if (d2 > max) max = d2
	}
	printf "models %d missing %d score %.4f elo %.4f tokens %d bounds %d " \
	    "within06 %.1f mean %.3f max %.3f\n", models, missing + 0, score,
	    elo, tokens + 0, n, n ? 100 * within / n : 0, n ? sum / n : 0, max
}
