import type { FastifyPluginAsync } from 'fastify';
import type { UsersRepository } from '../../data/pg/users.ts';
import type { NewUser } from '../shared/validation.ts';
import { requireBody } from './hooks.ts';
import {
  errorResponses,
  listQuerySchema,
  newUserSchema,
  userParamsSchema,
  userSchema,
  usersPageSchema,
} from './schemas.ts';

/** `/users` routes; inputs arrive validated and coerced by their schemas. */
export const usersRoutes: FastifyPluginAsync<{ users: UsersRepository }> = async (
  app,
  { users },
) => {
  app.get<{ Querystring: { limit: number; offset: number } }>(
    '/users',
    {
      schema: {
        querystring: listQuerySchema,
        response: { 200: usersPageSchema, ...errorResponses },
      },
    },
    (request) => users.list(request.query.limit, request.query.offset),
  );

  app.get<{ Params: { id: number } }>(
    '/users/:id',
    { schema: { params: userParamsSchema, response: { 200: userSchema, ...errorResponses } } },
    (request) => users.get(request.params.id),
  );

  app.post<{ Body: NewUser }>(
    '/users',
    {
      schema: { body: newUserSchema, response: { 201: userSchema, ...errorResponses } },
      preValidation: requireBody,
    },
    async (request, reply) => {
      reply.code(201);
      return users.create(request.body);
    },
  );
};
