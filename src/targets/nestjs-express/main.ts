import 'reflect-metadata';
import { runNestTarget } from '../nestjs/bootstrap.ts';
import { nestExpressSetup } from './setup.ts';

await runNestTarget(nestExpressSetup);
