// h2proxy.js: an HTTP/2-only TLS server in front of mock-llm, for
// cmd/gen-answer/tls_test.sh (stunnel cannot offer h2 by ALPN).  It
// listens on a free port of 127.0.0.1, writes the port to PORT_FILE, and
// appends "HTTP/<version> <method> <path>" to LOG for every request.
// Usage: node h2proxy.js CERT KEY BACKEND_PORT PORT_FILE LOG
'use strict';
const fs = require('fs');
const http = require('http');
const http2 = require('http2');

const [cert, key, backend, portFile, log] = process.argv.slice(2);
const server = http2.createSecureServer({
	cert: fs.readFileSync(cert),
	key: fs.readFileSync(key),
	allowHTTP1: false,
});
server.on('request', (req, res) => {
	const chunks = [];

	fs.appendFileSync(log, `HTTP/${req.httpVersion} ${req.method} ` +
	    `${req.url}\n`);
	req.on('data', (c) => chunks.push(c));
	req.on('end', () => {
		// mock-llm reads Content-Length bodies only: no chunks.
		const body = Buffer.concat(chunks);
		const up = http.request({
			host: '127.0.0.1',
			port: Number(backend),
			method: req.method,
			path: req.url,
			headers: {
				'content-type': 'application/json',
				'content-length': body.length,
			},
		}, (r) => {
			res.writeHead(r.statusCode, {
				'content-type': r.headers['content-type'] ||
				    'text/plain',
			});
			r.pipe(res);
		});
		up.on('error', () => {
			res.writeHead(502);
			res.end();
		});
		up.end(body);
	});
});
server.listen(0, '127.0.0.1', () => {
	fs.writeFileSync(portFile + '.tmp', String(server.address().port));
	fs.renameSync(portFile + '.tmp', portFile);
});
process.on('SIGTERM', () => process.exit(0));
