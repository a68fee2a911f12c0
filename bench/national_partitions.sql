-- What LIST partitioning by province changes for the province's task list, measured on the
-- data of bench/national_bench.py (run it first; then: psql "$URL" -f bench/national_partitions.sql).
-- A copy of assignments_task partitioned by province (the first two steps of unit_path), with
-- the indexes the list uses; then the overdue list of province 1 (its count and first 25 by
-- deadline, as /nhiem-vu/?flag=overdue&unit=… asks them) on both tables, each run 5 times.
\timing on
DROP TABLE IF EXISTS task_by_province;
CREATE TABLE task_by_province (LIKE assignments_task INCLUDING DEFAULTS, province varchar(8) NOT NULL)
  PARTITION BY LIST (province);
SELECT format('CREATE TABLE task_by_province_%s PARTITION OF task_by_province FOR VALUES IN (%L)', substr(path, 5, 4), path)
  FROM orgs_unit WHERE depth = 2 \gexec
INSERT INTO task_by_province SELECT *, substr(unit_path, 1, 8) FROM assignments_task;
CREATE INDEX ON task_by_province (unit_path varchar_pattern_ops);
CREATE INDEX ON task_by_province (deadline, id) WHERE status IN ('assigned', 'in_progress');
VACUUM ANALYZE task_by_province;
\echo one table
SELECT count(*) FROM assignments_task WHERE unit_path LIKE '00010001%' AND status IN ('assigned', 'in_progress') AND deadline < '2026-11-25';
SELECT count(*) FROM assignments_task WHERE unit_path LIKE '00010001%' AND status IN ('assigned', 'in_progress') AND deadline < '2026-11-25';
SELECT count(*) FROM assignments_task WHERE unit_path LIKE '00010001%' AND status IN ('assigned', 'in_progress') AND deadline < '2026-11-25';
SELECT count(*) FROM assignments_task WHERE unit_path LIKE '00010001%' AND status IN ('assigned', 'in_progress') AND deadline < '2026-11-25';
SELECT count(*) FROM assignments_task WHERE unit_path LIKE '00010001%' AND status IN ('assigned', 'in_progress') AND deadline < '2026-11-25';
SELECT id FROM assignments_task WHERE unit_path LIKE '00010001%' AND status IN ('assigned', 'in_progress') AND deadline < '2026-11-25' ORDER BY deadline, id LIMIT 25 \g /dev/null
SELECT id FROM assignments_task WHERE unit_path LIKE '00010001%' AND status IN ('assigned', 'in_progress') AND deadline < '2026-11-25' ORDER BY deadline, id LIMIT 25 \g /dev/null
SELECT id FROM assignments_task WHERE unit_path LIKE '00010001%' AND status IN ('assigned', 'in_progress') AND deadline < '2026-11-25' ORDER BY deadline, id LIMIT 25 \g /dev/null
SELECT id FROM assignments_task WHERE unit_path LIKE '00010001%' AND status IN ('assigned', 'in_progress') AND deadline < '2026-11-25' ORDER BY deadline, id LIMIT 25 \g /dev/null
SELECT id FROM assignments_task WHERE unit_path LIKE '00010001%' AND status IN ('assigned', 'in_progress') AND deadline < '2026-11-25' ORDER BY deadline, id LIMIT 25 \g /dev/null
\echo partitioned by province
SELECT count(*) FROM task_by_province WHERE province = '00010001' AND unit_path LIKE '00010001%' AND status IN ('assigned', 'in_progress') AND deadline < '2026-11-25';
SELECT count(*) FROM task_by_province WHERE province = '00010001' AND unit_path LIKE '00010001%' AND status IN ('assigned', 'in_progress') AND deadline < '2026-11-25';
SELECT count(*) FROM task_by_province WHERE province = '00010001' AND unit_path LIKE '00010001%' AND status IN ('assigned', 'in_progress') AND deadline < '2026-11-25';
SELECT count(*) FROM task_by_province WHERE province = '00010001' AND unit_path LIKE '00010001%' AND status IN ('assigned', 'in_progress') AND deadline < '2026-11-25';
SELECT count(*) FROM task_by_province WHERE province = '00010001' AND unit_path LIKE '00010001%' AND status IN ('assigned', 'in_progress') AND deadline < '2026-11-25';
SELECT id FROM task_by_province WHERE province = '00010001' AND unit_path LIKE '00010001%' AND status IN ('assigned', 'in_progress') AND deadline < '2026-11-25' ORDER BY deadline, id LIMIT 25 \g /dev/null
SELECT id FROM task_by_province WHERE province = '00010001' AND unit_path LIKE '00010001%' AND status IN ('assigned', 'in_progress') AND deadline < '2026-11-25' ORDER BY deadline, id LIMIT 25 \g /dev/null
SELECT id FROM task_by_province WHERE province = '00010001' AND unit_path LIKE '00010001%' AND status IN ('assigned', 'in_progress') AND deadline < '2026-11-25' ORDER BY deadline, id LIMIT 25 \g /dev/null
SELECT id FROM task_by_province WHERE province = '00010001' AND unit_path LIKE '00010001%' AND status IN ('assigned', 'in_progress') AND deadline < '2026-11-25' ORDER BY deadline, id LIMIT 25 \g /dev/null
SELECT id FROM task_by_province WHERE province = '00010001' AND unit_path LIKE '00010001%' AND status IN ('assigned', 'in_progress') AND deadline < '2026-11-25' ORDER BY deadline, id LIMIT 25 \g /dev/null
DROP TABLE task_by_province;
