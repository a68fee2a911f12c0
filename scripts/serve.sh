#!/usr/bin/env bash
# Serve dangbo with its background worker and the daily scheduler beside it, three separate
# processes; Ctrl-C (or SIGTERM) stops all three gracefully: the web server finishes the
# requests under way, the worker the task under way, the scheduler its round.
#
#   scripts/serve.sh            the demo (`make demo`): Django's runserver, demo accounts shown
#   scripts/serve.sh production the production server (`make serve`): gunicorn with the
#                               settings of deploy/gunicorn.conf.py; run `manage.py migrate`
#                               and `manage.py collectstatic` first (make serve does)
#
# Environment: HOST, PORT (default 127.0.0.1:8000), BIN (the virtualenv's bin, default .venv/bin).
set -euo pipefail
cd "$(dirname "$0")/.."
MODE=${1:-demo}
BIN=${BIN:-.venv/bin}
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
case $MODE in
  demo | production) ;;
  *) echo "usage: scripts/serve.sh [demo|production]" >&2; exit 2 ;;
esac
# Links in e-mails (the daily digest) point at this server unless told otherwise.
export DANGBO_SITE_URL=${DANGBO_SITE_URL:-http://$HOST:$PORT}

server="" worker="" scheduler=""
stop() {
  trap - INT TERM EXIT
  kill -TERM $server $worker $scheduler 2>/dev/null || true
  wait $server $worker $scheduler 2>/dev/null || true
  echo "dangbo đã dừng / stopped."
}
trap stop INT TERM EXIT

$BIN/python manage.py run_worker --queue-name '*' --interval 5 &
worker=$!
# Every 10 minutes, enqueue the daily jobs that are due (each once a day: digests at 07:00…).
$BIN/python manage.py enqueue_daily_jobs --loop --interval 600 &
scheduler=$!

if [[ $MODE == production ]]; then
  DANGBO_BIND=$HOST:$PORT $BIN/gunicorn -c deploy/gunicorn.conf.py &
  server=$!
  echo "dangbo (gunicorn) đang chạy / is running: http://$HOST:$PORT/  (Ctrl-C: dừng / stop)"
else
  cat <<MSG

  dangbo đang chạy / is running:  http://$HOST:$PORT/

  Tài khoản demo / demo accounts (mật khẩu / password: dangbo-demo)
    vanphong         Văn phòng Thành ủy (toàn thành phố / whole city)
    bithu.phuong1    Bí thư Đảng ủy Phường 1
    bithu.dongluong  Bí thư Đảng ủy phường Đông Lương
    bithu.chibo      Bí thư một chi bộ của Phường 1 / a cell secretary in Phường 1
    dangvien         Đảng viên của chi bộ đó / a plain member of that cell

  Nhấn Ctrl-C để dừng / press Ctrl-C to stop.

MSG
  $BIN/python manage.py runserver "$HOST:$PORT" --noreload &
  server=$!
fi
# When any process ends (or Ctrl-C arrives), stop the others too.
wait -n $server $worker $scheduler || true
