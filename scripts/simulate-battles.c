/*
 * simulate-battles.c: judgments with known true win rates, for coverage
 * tests of show-result's bootstrap intervals.
 *
 *	cc -O2 -o simulate-battles scripts/simulate-battles.c -lm
 *	simulate-battles [-m models] [-q questions] [-s seed] [-t truth]
 *
 * Writes ensemble-shaped judgment records of models m00.. against
 * the baseline "base" to standard output and "model truth" lines (true win
 * rate in percent, as show-result's score estimates it) to the truth file.
 * A summary of the verdict shares goes to standard error.
 *
 * The model: the judged model's advantage in a game is
 *	s_m + e_q + u_qm + bias * side + logistic noise,
 * with s_m the model's strength, e_q a question effect shared by every
 * model, u_qm an effect of the (model, question) pair shared by both games
 * (so the two games of a question are correlated, as with real judges), and
 * a position bias towards assistant A.  The advantage falls into five
 * verdict bands (much worse, worse, tie, better, much better).  The truth is
 * the expected weighted win share (a ">>" verdict counts 3 times, a tie
 * half), integrated exactly over the normal effects and the noise.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SIGMA_Q 1.2	/* question effect */
#define SIGMA_U 2.2	/* (model, question) effect */
#define BIAS 0.3	/* towards assistant A */
#define TIE 0.45	/* |advantage| below this is a tie */
#define MUCH 2.0	/* above this a strong verdict */
#define WEIGHT 3

static uint64_t st[4];

static uint64_t
rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static uint64_t
next(void)
{
	uint64_t r = rotl(st[1] * 5, 7) * 9, t = st[1] << 17;

	st[2] ^= st[0];
	st[3] ^= st[1];
	st[1] ^= st[2];
	st[0] ^= st[3];
	st[2] ^= t;
	st[3] = rotl(st[3], 45);
	return r;
}

static void
seed(uint64_t s)
{
	int i;

	for (i = 0; i < 4; i++) {
		uint64_t z = (s += 0x9E3779B97F4A7C15ULL);

		z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
		z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
		st[i] = z ^ (z >> 31);
	}
}

/* Uniform in (0, 1). */
static double
unif(void)
{
	return ((double)(next() >> 11) + 0.5) / 9007199254740992.0;
}

static double
normal(void)
{
	return sqrt(-2 * log(unif())) * cos(2 * M_PI * unif());
}

static double
logistic_noise(void)
{
	double u = unif();

	return log(u / (1 - u));
}

/* Verdict band of an advantage x of the judged model: -2 .. 2. */
static int
band(double x)
{
	if (x > MUCH)
		return 2;
	if (x > TIE)
		return 1;
	if (x >= -TIE)
		return 0;
	if (x >= -MUCH)
		return -1;
	return -2;
}

static double
sigm(double x)
{
	return 1 / (1 + exp(-x));
}

/*
 * Expected weighted (model win share numerator, total) of one game given
 * the mean advantage mu: the noise is logistic.
 */
static void
game_expect(double mu, double *num, double *den)
{
	double p2 = sigm(mu - MUCH), p1 = sigm(mu - TIE) - p2;
	double m2 = 1 - sigm(mu + MUCH), m1 = (1 - sigm(mu + TIE)) - m2;
	double t = 1 - p2 - p1 - m2 - m1;

	*num = WEIGHT * p2 + p1 + t / 2;
	*den = WEIGHT * (p2 + m2) + p1 + m1 + t;
}

/* True score of strength s: E[num] / E[den] over both games. */
static double
truth(double s)
{
	double sd = sqrt(SIGMA_Q * SIGMA_Q + SIGMA_U * SIGMA_U);
	double num = 0, den = 0, h = 16.0 / 8000;
	int i, g;

	/* Simpson's rule over the normal effect, +-8 sd. */
	for (i = 0; i <= 8000; i++) {
		double z = -8 + i * h, w = (i == 0 || i == 8000) ? 1 :
		    (i % 2 ? 4 : 2), dens = exp(-z * z / 2);

		for (g = 0; g < 2; g++) {
			double n, d;

			/* Game 1: the model is B (bias against it). */
			game_expect(s + sd * z + (g ? BIAS : -BIAS), &n, &d);
			num += w * dens * n;
			den += w * dens * d;
		}
	}
	return num / den;
}

static const char *label[2][5] = {
	/* game 1 (model is B): model much worse .. much better */
	{ "A>>B", "A>B", "A=B", "B>A", "B>>A" },
	/* game 2 (model is A) */
	{ "B>>A", "B>A", "A=B", "A>B", "A>>B" },
};

int
main(int argc, char *argv[])
{
	int models = 20, questions = 500, ch, m, q, g;
	long long games = 0, ties = 0, strong = 0, same = 0, pairs = 0;
	const char *truthfile = NULL;
	uint64_t s = 1;
	double *eq;
	FILE *tf;

	while ((ch = getopt(argc, argv, "m:q:s:t:")) != -1) {
		switch (ch) {
		case 'm':
			models = atoi(optarg);
			break;
		case 'q':
			questions = atoi(optarg);
			break;
		case 's':
			s = strtoull(optarg, NULL, 10);
			break;
		case 't':
			truthfile = optarg;
			break;
		default:
			fprintf(stderr, "usage: simulate-battles [-m models] "
			    "[-q questions] [-s seed] [-t truth]\n");
			return 64;
		}
	}
	if (models < 2 || questions < 1) {
		fprintf(stderr, "simulate-battles: need 2 models and a "
		    "question\n");
		return 64;
	}
	seed(s);
	eq = malloc((size_t)questions * sizeof(*eq));
	for (q = 0; q < questions; q++)
		eq[q] = SIGMA_Q * normal();
	tf = truthfile != NULL ? fopen(truthfile, "w") : NULL;
	if (truthfile != NULL && tf == NULL) {
		perror(truthfile);
		return 73;
	}
	/* Model m (0 .. models-2) against the baseline, strengths evenly
	 * spread over [-2.4, 2.4]. */
	for (m = 0; m < models - 1; m++) {
		double sm = -2.4 + 4.8 * m / (models - 2);

		if (tf != NULL)
			fprintf(tf, "m%02d %.10f\n", m, 100 * truth(sm));
		for (q = 0; q < questions; q++) {
			double u = SIGMA_U * normal();
			int b[2];

			for (g = 0; g < 2; g++) {
				double x = sm + eq[q] + u + (g ? BIAS : -BIAS) +
				    logistic_noise();

				b[g] = band(x);
				games++;
				ties += b[g] == 0;
				strong += b[g] == 2 || b[g] == -2;
			}
			pairs++;
			same += (b[0] > 0 && b[1] > 0) ||
			    (b[0] < 0 && b[1] < 0);
			printf("{\"question_id\": \"q%04d\", \"model\": "
			    "\"m%02d\", \"judge\": \"sim\", \"games\": "
			    "[{\"score\": \"%s\"}, {\"score\": \"%s\"}]}\n",
			    q, m,
			    label[0][b[0] + 2], label[1][b[1] + 2]);
		}
	}
	fprintf(stderr, "simulate-battles: %lld games, ties %.1f%%, strong "
	    "%.1f%%, both games on the same side %.1f%%\n", games,
	    100.0 * ties / games, 100.0 * strong / games,
	    pairs ? 100.0 * same / pairs : 0);
	if (tf != NULL)
		fclose(tf);
	free(eq);
	return ferror(stdout) ? 74 : 0;
}
