/** One line per event; long steps print their name when they start and their time when they end. */
export type Log = (line: string) => void;

export const stderrLog: Log = (line) => process.stderr.write(`${line}\n`);

/** What a command prints for its user (results, URLs), apart from its progress on stderr. */
export const stdoutLog = (line = ""): void => {
  process.stdout.write(`${line}\n`);
};

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.round((ms % 60_000) / 1000);
  return `${minutes} min ${seconds} s`;
}

export async function step<T>(name: string, fn: () => Promise<T>, log: Log = stderrLog): Promise<T> {
  const started = performance.now();
  log(`▶ ${name}`);
  try {
    const result = await fn();
    log(`✔ ${name} (${formatDuration(performance.now() - started)})`);
    return result;
  } catch (error) {
    log(`✖ ${name} (${formatDuration(performance.now() - started)})`);
    throw error;
  }
}
