/* probe_test.c: failed attempts sorted into inaccessible and unresponsive. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "probe.h"

static void
test_probe_classify(void **state)
{
	assert_int_equal(probe_classify(401, "HTTP 401: bad key"),
	    PROBE_INACCESSIBLE);
	assert_int_equal(probe_classify(403, NULL), PROBE_INACCESSIBLE);
	assert_int_equal(probe_classify(404, NULL), PROBE_INACCESSIBLE);
	assert_int_equal(probe_classify(400, NULL), PROBE_INACCESSIBLE);
	assert_int_equal(probe_classify(408, NULL), PROBE_UNRESPONSIVE);
	assert_int_equal(probe_classify(429, NULL), PROBE_UNRESPONSIVE);
	assert_int_equal(probe_classify(500, NULL), PROBE_UNRESPONSIVE);
	assert_int_equal(probe_classify(503, NULL), PROBE_UNRESPONSIVE);
	assert_int_equal(probe_classify(200, "no content"),
	    PROBE_UNRESPONSIVE);
	assert_int_equal(probe_classify(0, "Failed to connect to 127.0.0.1 "
	    "port 1 after 0 ms: Connection refused"), PROBE_INACCESSIBLE);
	assert_int_equal(probe_classify(0, "Could not resolve host: x"),
	    PROBE_INACCESSIBLE);
	assert_int_equal(probe_classify(0, "SSL certificate problem: self "
	    "signed certificate"), PROBE_INACCESSIBLE);
	assert_int_equal(probe_classify(0, "Operation timed out after 1000 "
	    "milliseconds with 0 bytes received"), PROBE_UNRESPONSIVE);
	assert_int_equal(probe_classify(0, "Recv failure: Connection reset "
	    "by peer"), PROBE_UNRESPONSIVE);
	assert_int_equal(probe_classify(0, "Empty reply from server"),
	    PROBE_UNRESPONSIVE);
}

static void
test_probe_public_url(void **state)
{
	struct buf b;

	buf_init(&b);
	probe_public_url("https://user:pw@api.example.com/v1?key=s3cret", &b);
	assert_string_equal(b.p, "https://api.example.com/v1");
	buf_reset(&b);
	probe_public_url("http://127.0.0.1:8089/v1", &b);
	assert_string_equal(b.p, "http://127.0.0.1:8089/v1");
	buf_release(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_probe_classify),
		cmocka_unit_test(test_probe_public_url),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
