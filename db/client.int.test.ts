import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DatabaseLockedError, openDatabase } from './client';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function tempDir() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-db-'));
  dirs.push(dir);
  return dir;
}

describe.skipIf(!!process.env.DATABASE_URL)('embedded database (PGlite)', () => {
  it('applies the migrations and answers queries', async () => {
    const db = await openDatabase({ dataDir: tempDir() });
    expect(await db.ping()).toBe(true);
    await db.close();
  });

  it('refuses a second process on the same data directory at once, with a clear message', async () => {
    const dataDir = tempDir();
    const lockDir = path.join(dataDir, 'pglite');
    fs.mkdirSync(lockDir, { recursive: true });
    // Another live process holds the lock.
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
    try {
      fs.writeFileSync(path.join(lockDir, 'switchboard.lock'), String(other.pid));
      const started = Date.now();
      await expect(openDatabase({ dataDir })).rejects.toBeInstanceOf(DatabaseLockedError);
      await expect(openDatabase({ dataDir })).rejects.toThrow(/already open in process/);
      expect(Date.now() - started).toBeLessThan(2000);
    } finally {
      other.kill();
    }
  });

  it('takes over a lock left by a process that died', async () => {
    const dataDir = tempDir();
    const lockDir = path.join(dataDir, 'pglite');
    fs.mkdirSync(lockDir, { recursive: true });
    fs.writeFileSync(path.join(lockDir, 'switchboard.lock'), '2147483646');
    const db = await openDatabase({ dataDir });
    expect(await db.ping()).toBe(true);
    await db.close();
    expect(fs.existsSync(path.join(lockDir, 'switchboard.lock'))).toBe(false);
  });
});

describe.skipIf(!process.env.DATABASE_URL)('Postgres (DATABASE_URL)', () => {
  it('migrates and answers queries; a second process may share it', async () => {
    const a = await openDatabase({ dataDir: tempDir(), databaseUrl: process.env.DATABASE_URL });
    const b = await openDatabase({ dataDir: tempDir(), databaseUrl: process.env.DATABASE_URL });
    expect(await a.ping()).toBe(true);
    expect(await b.ping()).toBe(true);
    await Promise.all([a.close(), b.close()]);
  });
});
