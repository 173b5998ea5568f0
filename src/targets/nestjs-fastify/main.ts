import 'reflect-metadata';
import { runNestTarget } from '../nestjs/bootstrap.ts';
import { nestFastifySetup } from './setup.ts';

await runNestTarget(nestFastifySetup);
