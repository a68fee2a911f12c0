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
if [[ $MODE == demo ]]; then
  # The demo runs as production does for the user: its own Vietnamese error pages, not
  # Django's debug page; e-mails (the daily digests) go to files, the logs to var/log/.
  export DANGBO_DEBUG=${DANGBO_DEBUG:-0}
  export DANGBO_EMAIL_BACKEND=${DANGBO_EMAIL_BACKEND:-django.core.mail.backends.filebased.EmailBackend}
  export DANGBO_EMAIL_FILE_PATH=${DANGBO_EMAIL_FILE_PATH:-var/mail}
  mkdir -p var/log "$DANGBO_EMAIL_FILE_PATH"
  LOG=var/log/demo.log
  : >"$LOG"
fi

server="" worker="" scheduler=""
stop() {
  trap - INT TERM EXIT
  kill -TERM $server $worker $scheduler 2>/dev/null || true
  wait $server $worker $scheduler 2>/dev/null || true
  echo "dangbo đã dừng / stopped."
}
trap stop INT TERM EXIT

# In the demo the three processes write to var/log/demo.log, so that the address and the
# accounts stay the last lines on the screen. Run with "&": the subshell becomes the process
# (exec), so that $! is the process that Ctrl-C stops.
quiet() { if [[ $MODE == demo ]]; then exec "$@" >>"$LOG" 2>&1; else exec "$@"; fi; }

quiet $BIN/python manage.py run_worker --queue-name '*' --interval 5 &
worker=$!
# Every 10 minutes, enqueue the daily jobs that are due (each once a day: digests at 07:00…).
quiet $BIN/python manage.py enqueue_daily_jobs --loop --interval 600 &
scheduler=$!

if [[ $MODE == production ]]; then
  DANGBO_BIND=$HOST:$PORT $BIN/gunicorn -c deploy/gunicorn.conf.py &
  server=$!
  echo "dangbo (gunicorn) đang chạy / is running: http://$HOST:$PORT/  (Ctrl-C: dừng / stop)"
else
  quiet $BIN/python manage.py runserver "$HOST:$PORT" --noreload &
  server=$!
  # Wait until the server answers (at most 30 s), then say where it is, last.
  for _ in $(seq 60); do
    $BIN/python -c "import socket,sys; socket.create_connection(('$HOST', $PORT), 0.5)" 2>/dev/null && break
    sleep 0.5
  done
  cat <<MSG

  Nhật ký (máy chủ, tác vụ nền) / logs:  $LOG
  Thư điện tử (thư tổng hợp hằng ngày) / e-mails (daily digests):  $DANGBO_EMAIL_FILE_PATH/
  Đổi cổng / another port:  make demo PORT=8080

  dangbo đang chạy / is running:  http://$HOST:$PORT/

  Tài khoản demo / demo accounts (mật khẩu / password: dangbo-demo)
    vanphong         Văn phòng Thành ủy (toàn thành phố / whole city)
    bithu.phuong1    Bí thư Đảng ủy Phường 1
    bithu.dongluong  Bí thư Đảng ủy phường Đông Lương
    bithu.chibo      Bí thư một chi bộ của Phường 1 / a cell secretary in Phường 1
    dangvien         Đảng viên của chi bộ đó / a plain member of that cell

  Nhấn Ctrl-C để dừng / press Ctrl-C to stop.

MSG
fi
# When any process ends (or Ctrl-C arrives), stop the others too.
wait -n $server $worker $scheduler || true
