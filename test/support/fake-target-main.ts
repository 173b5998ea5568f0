/**
 * The fake contract implementation as a target process, for testing how the runner treats
 * targets: `PORT=… FAKE_FAULTS=create-answers-200,… node test/support/fake-target-main.ts`.
 */
import { type Fault, startFakeTarget } from './fake-targets.ts';

const faults = (process.env.FAKE_FAULTS ?? '').split(',').filter(Boolean) as Fault[];
const target = await startFakeTarget({ faults, port: Number(process.env.PORT) });
process.on('SIGTERM', () => {
  target.close().then(() => process.exit(0));
});
