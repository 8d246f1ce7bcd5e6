// Fallback peak-RSS probe, used only when /usr/bin/time is not GNU time: preloaded with
// `node --import`, it writes process.resourceUsage().maxRSS (KiB) to $ORWS_BENCH_RSS_FILE
// when the process exits.
import { writeFileSync } from 'node:fs';

const file = process.env.ORWS_BENCH_RSS_FILE;
if (file !== undefined && file !== '') {
  process.on('exit', () => {
    writeFileSync(file, `${String(process.resourceUsage().maxRSS)}\n`);
  });
}
