import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh sql/ directory with a bootstrap, two migrations, a view and two load steps. */
export function sqlFixture(overrides: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'sql-'));
  const files: Record<string, string> = {
    'migrations/V000__bootstrap.sql':
      'create schema if not exists streamflix;\ncreate table if not exists streamflix.schema_migrations (version varchar(64), name varchar(256), checksum char(64), applied_at timestamp);\n',
    'migrations/V001__dim_user.sql': 'create table if not exists streamflix.dim_user (user_key bigint);\n',
    'migrations/V002__fact_viewing_session.sql':
      'create table if not exists streamflix.fact_viewing_session (session_id varchar(64));\ncomment on table streamflix.fact_viewing_session is \'one row per session\';\n',
    'views/rpt_daily.sql': 'create or replace view streamflix.rpt_daily as select 1 as one;\n',
    'load/01_validate.sql': 'insert into streamflix.stg_line select * from streamflix.stg_raw_line;\n',
    'load/02_bookkeeping.sql':
      "insert into streamflix.etl_batch (load_token, source) values (:load_token, :batch_source);\nupdate streamflix.etl_watermark set watermark_ts = (select max(event_ts) from streamflix.stg_line);\n",
    ...overrides,
  };
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}


/** The sessionizer's environment, as the construct sets it, over a fresh sql/ fixture. */
export function sessionizerEnv(): Record<string, string> {
  return {
    CLUSTER_ID: 'streamflix-dev',
    DATABASE: 'streamflix',
    SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:rs-AbCdEf',
    BRONZE_BUCKET: 'bronze',
    COPY_ROLE_ARN: 'arn:aws:iam::111111111111:role/copy',
    MAX_OBJECTS: '5',
    MAX_BYTES: '1000000',
    STATEMENT_NAME: 'streamflix-load-dev',
    SQL_DIR: sqlFixture(),
  };
}
