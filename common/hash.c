/* hash.c: SHA-256 through OpenSSL's EVP interface, and hex helpers. */
#include <stdio.h>
#include <stdlib.h>
#include <openssl/evp.h>

#include "hash.h"

struct hash_ctx {
	EVP_MD_CTX *md;
};

struct hash_ctx *
hash_begin(void)
{
	struct hash_ctx *c = malloc(sizeof(*c));

	if (c == NULL || (c->md = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex(c->md, EVP_sha256(), NULL) != 1)
		abort();
	return c;
}

void
hash_update(struct hash_ctx *c, const void *p, size_t n)
{
	if (n > 0 && EVP_DigestUpdate(c->md, p, n) != 1)
		abort();
}

void
hash_end(struct hash_ctx *c, unsigned char out[HASH_LEN])
{
	unsigned int len = HASH_LEN;

	if (EVP_DigestFinal_ex(c->md, out, &len) != 1)
		abort();
	EVP_MD_CTX_free(c->md);
	free(c);
}

void
hash_sha256(const void *p, size_t n, unsigned char out[HASH_LEN])
{
	unsigned int len = HASH_LEN;

	if (EVP_Digest(p, n, out, &len, EVP_sha256(), NULL) != 1)
		abort();
}

void
hash_hex(const unsigned char *p, size_t n, char *out)
{
	static const char d[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = d[p[i] >> 4];
		out[2 * i + 1] = d[p[i] & 15];
	}
	out[2 * n] = '\0';
}

static int
nib(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
hash_unhex(const char *hex, size_t n, unsigned char *out)
{
	size_t i;

	for (i = 0; i < n; i++) {
		int hi = nib((unsigned char)hex[2 * i]);
		int lo = hi < 0 ? -1 : nib((unsigned char)hex[2 * i + 1]);

		if (lo < 0)
			return -1;
		out[i] = (unsigned char)(hi << 4 | lo);
	}
	return 0;
}

unsigned long long
hash_u64be(const unsigned char *p)
{
	unsigned long long v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

unsigned long long
hash_fnv1a(unsigned long long h, const void *p, size_t n)
{
	const unsigned char *s = p;

	while (n-- > 0) {
		h ^= *s++;
		h *= 0x100000001b3ULL;
	}
	return h;
}

int
hash_file(const char *path, unsigned char out[HASH_LEN])
{
	FILE *f = fopen(path, "rb");
	struct hash_ctx *c;
	char buf[65536];
	size_t n;
	int err;

	if (f == NULL)
		return -1;
	c = hash_begin();
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		hash_update(c, buf, n);
	err = ferror(f);
	fclose(f);
	hash_end(c, out);
	return err ? -1 : 0;
}
