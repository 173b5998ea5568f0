import type { FastifyPluginAsync } from 'fastify';
import type { FlowOperations } from '../../data/http/flow-routes.ts';
import type { SessionStore } from '../shared/sessions.ts';
import { principalHook } from './auth.ts';
import { requireBody } from './hooks.ts';
import {
  postParams,
  postSchema,
  postSummaryPage,
  postsQuery,
  retitleBody,
} from './scenario-schemas.ts';
import { errorResponses } from './schemas.ts';

/**
 * Scenario 19 as an encapsulated plugin: its onRequest hook checks the session of every route in
 * it before anything else (parsing, validation) runs.
 */
export const flowRoutes: FastifyPluginAsync<{
  flow: FlowOperations;
  sessions: SessionStore;
}> = async (app, { flow, sessions }) => {
  app.decorateRequest('principal');
  app.addHook(
    'onRequest',
    principalHook((authorization) => sessions.principalOf(authorization)),
  );

  app.get<{ Querystring: { skip: number; size: number } }>(
    '/flow/posts',
    { schema: { querystring: postsQuery, response: { 200: postSummaryPage, ...errorResponses } } },
    (request) => flow.list(request.principal, request.query),
  );

  app.get<{ Params: { id: number } }>(
    '/flow/posts/:id',
    { schema: { params: postParams, response: { 200: postSchema, ...errorResponses } } },
    (request) => flow.read(request.principal, request.params.id),
  );

  app.patch<{ Params: { id: number }; Body: { title: string } }>(
    '/flow/posts/:id',
    {
      schema: {
        params: postParams,
        body: retitleBody,
        response: { 200: postSchema, ...errorResponses },
      },
      preValidation: requireBody,
    },
    (request) => flow.retitle(request.principal, request.params.id, request.body.title),
  );
};
