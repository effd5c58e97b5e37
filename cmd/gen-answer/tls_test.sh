# tls_test.sh: HTTPS endpoints against a real TLS server on 127.0.0.1:
# stunnel4 in front of mock-llm (HTTP/1.1: stunnel offers no ALPN) and a
# node HTTP/2-only server (h2 by ALPN), with a CA and certificates made
# here by openssl; the CA chosen by ca_bundle, $SSL_CERT_FILE or
# $CURL_CA_BUNDLE; a self-signed certificate refused (69) in one line.
. "$(dirname "$0")/../../scripts/testlib.sh"
. "$TOP/testdata/gen-answer/lib.sh"
for cmd in stunnel4 openssl; do
	command -v $cmd >/dev/null || { skip "no $cmd"; done_testing; }
done
cd "$T" || exit 1
# Only what each case sets chooses the CA.
unset CURL_CA_BUNDLE SSL_CERT_FILE SSL_CERT_DIR

# A CA, a server certificate it signs for 127.0.0.1, a self-signed one.
openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem \
    -days 2 -subj "/CN=judgepipe test CA" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr \
    -subj "/CN=127.0.0.1" 2>/dev/null
printf 'subjectAltName = IP:127.0.0.1\n' >san.ext
openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key \
    -CAcreateserial -days 2 -extfile san.ext -out server.pem 2>/dev/null
openssl req -x509 -newkey rsa:2048 -nodes -keyout self.key -out self.pem \
    -days 2 -subj "/CN=127.0.0.1" -addext "subjectAltName = IP:127.0.0.1" \
    2>/dev/null
check "openssl made the certificates" test -s server.pem -a -s self.pem

start_mock
mock_port=$MOCK_PORT

# free_port: a port nothing listens on (a mock's, once it is gone).
free_port() {
	local l=$MOCK_LOG p
	MOCK_LOG=$T/free.log start_mock
	p=$MOCK_PORT
	stop_mock
	MOCK_LOG=$l
	echo "$p"
}

# stunnel CERT KEY: TLS on a free port in front of the mock; sets TLS_PORT.
stunnel() {
	TLS_PORT=$(free_port)
	cat >"stunnel.$TLS_PORT.conf" <<CONF
foreground = yes
pid =
output = $T/stunnel.$TLS_PORT.log
[mock]
accept = 127.0.0.1:$TLS_PORT
connect = 127.0.0.1:$mock_port
cert = $T/$1
key = $T/$2
CONF
	stunnel4 "stunnel.$TLS_PORT.conf" 2>>stunnel.err &
	_jp_pids+=($!)
	for i in $(seq 1 100); do
		(exec 3<>"/dev/tcp/127.0.0.1/$TLS_PORT") 2>/dev/null && break
		sleep 0.05
	done
}

first_questions 20 q.jsonl
stunnel server.pem server.key
good=https://127.0.0.1:$TLS_PORT/v1

# ca_bundle in the config, relative to the config file.
mkdir conf
cp ca.pem conf/
{
	echo "mock:"
	echo "    model_name: mock-model"
	echo "    endpoints:"
	echo "        - api_base: $good"
	echo "          ca_bundle: ca.pem"
	echo "    parallel: 4"
} >conf/api.yaml
"$GA" -m mock --api-config conf/api.yaml --no-cache q.jsonl >h1.out 2>err
check_eq "ca_bundle: exit 0" 0 $?
check_eq "ca_bundle: 20 answers over TLS" 20 "$(wc -l <h1.out)"
check_eq "ca_bundle: the mock served them" 20 "$(wc -l <"$MOCK_LOG")"

# The same CA from the environment.
api_config api.yaml "$good" "parallel: 4"
SSL_CERT_FILE=$T/ca.pem "$GA" -m mock --api-config api.yaml --no-cache \
    q.jsonl >out 2>err
check_eq "SSL_CERT_FILE: exit 0" 0 $?
check_eq "SSL_CERT_FILE: 20 answers" 20 "$(wc -l <out)"
CURL_CA_BUNDLE=$T/ca.pem "$GA" -m mock --api-config api.yaml --no-cache \
    q.jsonl >out 2>err
check_eq "CURL_CA_BUNDLE: exit 0" 0 $?
check_eq "CURL_CA_BUNDLE: 20 answers" 20 "$(wc -l <out)"
check_eq "every request reached the mock" 60 "$(wc -l <"$MOCK_LOG")"

# Without the CA the certificate is refused: 69, one line naming it.
"$GA" -m mock --api-config api.yaml --no-cache q.jsonl >out 2>err
check_eq "unknown CA: exit 69" 69 $?
check "unknown CA: the certificate problem" grep -q \
    "^gen-answer: endpoint unreachable: 127.0.0.1:$TLS_PORT: SSL certificate problem: unable to get local issuer certificate; 20 calls not made$" err

stunnel self.pem self.key
api_config self.yaml "https://127.0.0.1:$TLS_PORT/v1" "parallel: 4"
"$GA" -m mock --api-config self.yaml --no-cache q.jsonl >out 2>err
check_eq "self-signed: exit 69" 69 $?
check "self-signed: the certificate problem" grep -q \
    "^gen-answer: endpoint unreachable: 127.0.0.1:$TLS_PORT: SSL certificate problem: self-signed certificate; 20 calls not made$" err
check_eq "self-signed: one line and the summary" 2 "$(wc -l <err)"
check_eq "self-signed: nothing reached the mock" 60 "$(wc -l <"$MOCK_LOG")"
# Trusting it by ca_bundle makes it work.
api_config self2.yaml "https://127.0.0.1:$TLS_PORT/v1" "parallel: 4"
sed -i "s|^\(        - api_base: .*\)|\1\n          ca_bundle: $T/self.pem|" \
    self2.yaml
"$GA" -m mock --api-config self2.yaml --no-cache q.jsonl >out 2>err
check_eq "self-signed, trusted by ca_bundle: exit 0" 0 $?

# A ca_bundle that cannot be read is a config error, before any request.
sed 's|ca_bundle: ca.pem|ca_bundle: missing.pem|' conf/api.yaml >conf/bad.yaml
"$GA" -m mock --api-config conf/bad.yaml --no-cache q.jsonl >out 2>err
check_eq "missing ca_bundle: exit 78" 78 $?
check_eq "missing ca_bundle: message" "gen-answer: conf/bad.yaml:5: entry 'mock': ca_bundle: cannot read 'conf/missing.pem': No such file or directory" \
    "$(cat err)"

# HTTP/2: a server that speaks only h2, chosen by ALPN.
if command -v node >/dev/null; then
	node "$TOP/testdata/tls/h2proxy.js" server.pem server.key "$mock_port" \
	    h2.port h2.log 2>h2.err &
	_jp_pids+=($!)
	for i in $(seq 1 100); do [ -s h2.port ] && break; sleep 0.05; done
	api_config h2.yaml "https://127.0.0.1:$(cat h2.port)/v1" "parallel: 8"
	SSL_CERT_FILE=$T/ca.pem "$GA" -m mock --api-config h2.yaml \
	    --no-cache q.jsonl >h2.out 2>err
	check_eq "HTTP/2: exit 0" 0 $?
	check_eq "HTTP/2: 20 answers" 20 "$(wc -l <h2.out)"
	check_eq "HTTP/2: every request was HTTP/2" \
	    "20 HTTP/2.0 POST /v1/chat/completions" \
	    "$(sort h2.log | uniq -c | sed 's/^ *//')"
	# The endpoint is in the cache key, hence in answer_id and in the
	# request's digest: drop them.
	same() { strip_tstamp | sed 's/"answer_id": "[^"]*", //;
	    s/"request": "[0-9a-f]*"/"request": ""/'; }
	check_files "HTTP/2: the answers of HTTP/1.1" <(same <h1.out) \
	    <(same <h2.out)
else
	skip "HTTP/2: no node"
fi
done_testing
