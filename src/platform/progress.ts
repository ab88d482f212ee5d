// A progress line for long CLI operations: redrawn in place on a terminal, every 10% otherwise.
export function progressBar(label: string, stream: NodeJS.WriteStream = process.stderr) {
  let lastDecile = -1;
  return {
    update(done: number, total: number, detail = '') {
      const ratio = total > 0 ? done / total : 1;
      if (stream.isTTY) {
        const width = 30;
        const filled = Math.round(ratio * width);
        stream.write(
          `\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} ${detail.padEnd(30).slice(0, 30)}`,
        );
        if (done >= total) stream.write('\n');
        return;
      }
      const decile = Math.floor(ratio * 10);
      if (decile !== lastDecile) {
        lastDecile = decile;
        stream.write(`${label}: ${done}/${total}\n`);
      }
    },
  };
}
