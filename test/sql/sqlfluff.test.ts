import { execFile } from 'node:child_process';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { runtimeStatements } from './runtime-sql';
import { rel, sqlFiles } from './sql-paths';

const run = promisify(execFile);

/** The repository root: its `.sqlfluff` applies, exactly as when anyone runs the command there. */
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** `sqlfluff parse --dialect redshift FILE`, run as is: exit 0 and no unparsable section, or the reason. */
async function parse(file: string): Promise<string | null> {
  try {
    await run('sqlfluff', ['parse', '--dialect', 'redshift', file], { cwd: REPO_ROOT, maxBuffer: 64 * 1024 * 1024 });
    return null;
  } catch (e) {
    const out = `${(e as { stdout?: string }).stdout ?? ''}${(e as { stderr?: string }).stderr ?? ''}`;
    const violations = out.split('==== parsing violations ====')[1] ?? out.slice(-800);
    return `${rel(file)}: ${violations.split('\n').filter((l) => /PRS|unparsable|Error/i.test(l)).join(' | ') || violations.trim()}`;
  }
}

describe('every SQL file parses as Redshift SQL (sqlfluff)', () => {
  it('finds the SQL files', () => {
    expect(sqlFiles().length).toBeGreaterThan(30);
  });

  it('parses each file with sqlfluff --dialect redshift', async () => {
    const files = sqlFiles();
    const failures: string[] = [];
    const queue = [...files];
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        for (let f = queue.shift(); f; f = queue.shift()) {
          const failure = await parse(f);
          if (failure) failures.push(failure);
        }
      }),
    );
    expect(failures).toEqual([]);
  });

  it('parses the SQL a load builds at run time (COPY of an object and of a numbered copy, rejected lines, stamps)', async () => {
    const { writeFileSync, mkdtempSync } = await import('node:fs');
    const { join } = await import('node:path');
    const dir = mkdtempSync(join(tmpdir(), 'sqlfluff-runtime-'));
    const statements = runtimeStatements();
    expect(statements.filter((s) => s.startsWith('copy '))).toHaveLength(2);
    const failures: string[] = [];
    for (const [i, statement] of statements.entries()) {
      const file = join(dir, `runtime_${i}.sql`);
      writeFileSync(file, `${statement};\n`);
      const failure = await parse(file);
      if (failure) failures.push(`${failure} (${statement.slice(0, 60)})`);
    }
    expect(failures).toEqual([]);
  });

  it('reports an unparsable file with its name', async () => {
    const { writeFileSync, mkdtempSync } = await import('node:fs');
    const { join } = await import('node:path');
    const bad = join(mkdtempSync(join(tmpdir(), 'sqlfluff-')), 'broken.sql');
    writeFileSync(bad, 'selec x frm t;\n');
    expect(await parse(bad)).toMatch(/broken\.sql: .*unparsable/);
  });
});
