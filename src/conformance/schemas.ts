import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import ajvModule from 'ajv/dist/2020.js';
import formatsModule from 'ajv-formats';
import {
  type HttpMethod,
  type JsonSchema,
  loadContract,
  type OpenApiDocument,
  type OpenApiResponse,
} from '../contract/index.ts';

// Both packages are CommonJS whose module.exports also carries itself as `.default`: the one
// spelling that type-checks under nodenext and works at run time.
const Ajv2020 = ajvModule.default;
const addFormats = formatsModule.default;
type Ajv = InstanceType<typeof Ajv2020>;

/** Component schemas are registered under this id; OpenAPI refs are rewritten to point into it. */
const ROOT_ID = 'https://backend-benchmark-lab.local/contract.json';
const SCHEMA_REF = '#/components/schemas/';

/** Deep copy of `value` with `#/components/schemas/X` refs made absolute (`ROOT_ID#/$defs/X`). */
function rewriteRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(rewriteRefs);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    out[key] =
      key === '$ref' && typeof child === 'string' && child.startsWith(SCHEMA_REF)
        ? `${ROOT_ID}#/$defs/${child.slice(SCHEMA_REF.length)}`
        : rewriteRefs(child);
  }
  return out;
}

/** An Ajv (JSON Schema 2020-12, strict, with formats) that knows every component schema. */
export function createContractAjv(doc: OpenApiDocument = loadContract()): Ajv {
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  addFormats(ajv);
  ajv.addSchema({ $id: ROOT_ID, $defs: rewriteRefs(doc.components.schemas) });
  return ajv;
}

/** Compiles a schema taken from anywhere in the contract (its refs point at components). */
export function compileContractSchema(ajv: Ajv, schema: JsonSchema): ValidateFunction {
  return ajv.compile(rewriteRefs(schema) as JsonSchema);
}

export interface SchemaLocation {
  /** Where it sits in the document, e.g. `paths./users.post.responses.201`. */
  where: string;
  schema: JsonSchema;
}

function resolveResponse(doc: OpenApiDocument, response: OpenApiResponse): OpenApiResponse {
  const prefix = '#/components/responses/';
  if (!response.$ref) return response;
  const resolved = response.$ref.startsWith(prefix)
    ? doc.components.responses?.[response.$ref.slice(prefix.length)]
    : undefined;
  if (!resolved) throw new Error(`unresolvable response $ref ${response.$ref}`);
  return resolved;
}

/** Every schema in the document (components, parameters, headers, bodies), for compiling. */
export function contractSchemas(doc: OpenApiDocument = loadContract()): SchemaLocation[] {
  const found: SchemaLocation[] = [];
  const { components } = doc;
  for (const [name, schema] of Object.entries(components.schemas)) {
    found.push({ where: `components.schemas.${name}`, schema });
  }
  for (const [name, parameter] of Object.entries(components.parameters ?? {})) {
    found.push({ where: `components.parameters.${name}`, schema: parameter.schema });
  }
  for (const [name, header] of Object.entries(components.headers ?? {})) {
    found.push({ where: `components.headers.${name}`, schema: header.schema });
  }
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      const at = `paths.${path}.${method}`;
      for (const [type, media] of Object.entries(operation.requestBody?.content ?? {})) {
        if (media.schema) found.push({ where: `${at}.requestBody.${type}`, schema: media.schema });
      }
      for (const [status, response] of Object.entries(operation.responses)) {
        const content = resolveResponse(doc, response).content ?? {};
        for (const [type, media] of Object.entries(content)) {
          if (media.schema) {
            found.push({ where: `${at}.responses.${status}.${type}`, schema: media.schema });
          }
        }
      }
    }
  }
  return found;
}

export interface BodyValidator {
  /** Human name of the schema, e.g. `POST /users 201 (User)`. */
  label: string;
  /** Problems in `body`, empty when it validates. */
  validate(body: unknown): string[];
}

export interface ContractValidators {
  /** The JSON schema of `method path` answering `status`, or undefined when not in the contract. */
  response(method: HttpMethod, path: string, status: number): BodyValidator | undefined;
  /** A component schema by name (`NotFoundError` for routes the contract does not have). */
  component(name: string): BodyValidator;
  /** The headers the contract documents on that response, with their value schemas. */
  headers(method: HttpMethod, path: string, status: number): HeaderRule[];
}

export interface HeaderRule {
  name: string;
  required: boolean;
  validator: BodyValidator;
}

/** Validators for response bodies, compiled lazily from the contract and cached. */
export function contractValidators(doc: OpenApiDocument = loadContract()): ContractValidators {
  const ajv = createContractAjv(doc);
  const cache = new Map<string, BodyValidator>();

  const wrap = (label: string, validate: ValidateFunction): BodyValidator => ({
    label,
    validate: (body) => (validate(body) ? [] : describeErrors(validate.errors ?? [], body)),
  });

  const component = (name: string): BodyValidator => {
    const key = `component:${name}`;
    let validator = cache.get(key);
    if (!validator) {
      if (!doc.components.schemas[name]) throw new Error(`no component schema named ${name}`);
      const validate = ajv.getSchema(`${ROOT_ID}#/$defs/${name}`);
      if (!validate) throw new Error(`schema ${name} did not compile`);
      validator = wrap(name, validate);
      cache.set(key, validator);
    }
    return validator;
  };

  const responseOf = (method: HttpMethod, path: string, status: number) => {
    const response = doc.paths[path]?.[method]?.responses[String(status)];
    return response ? resolveResponse(doc, response) : undefined;
  };

  return {
    component,
    response(method, path, status) {
      const key = `${method} ${path} ${status}`;
      const cached = cache.get(key);
      if (cached) return cached;
      const response = responseOf(method, path, status);
      const schema = response?.content?.['application/json']?.schema;
      if (!schema) return undefined;
      const where = `${method.toUpperCase()} ${path} ${status}`;
      const ref = typeof schema.$ref === 'string' ? schema.$ref : undefined;
      const validator = ref?.startsWith(SCHEMA_REF)
        ? { ...component(ref.slice(SCHEMA_REF.length)) }
        : wrap('inline schema', compileContractSchema(ajv, schema));
      validator.label = `${where} (${validator.label})`;
      cache.set(key, validator);
      return validator;
    },
    headers(method, path, status) {
      const prefix = '#/components/headers/';
      const rules: HeaderRule[] = [];
      for (const [name, header] of Object.entries(
        responseOf(method, path, status)?.headers ?? {},
      )) {
        const resolved = header.$ref?.startsWith(prefix)
          ? doc.components.headers?.[header.$ref.slice(prefix.length)]
          : header;
        if (!resolved?.schema) continue;
        const key = `header ${method} ${path} ${status} ${name}`;
        let validator = cache.get(key);
        if (!validator) {
          validator = wrap(`${name} header`, compileContractSchema(ajv, resolved.schema));
          cache.set(key, validator);
        }
        rules.push({ name, required: resolved.required === true, validator });
      }
      return rules;
    },
  };
}

const MAX_REPORTED_ERRORS = 5;

/** Ajv errors as short sentences naming the place, the rule and the value found there. */
function describeErrors(errors: ErrorObject[], body: unknown): string[] {
  const lines = errors.slice(0, MAX_REPORTED_ERRORS).map((error) => {
    const at = error.instancePath || '(root)';
    const params = error.params as Record<string, unknown>;
    let rule = error.message ?? error.keyword;
    if (error.keyword === 'const') rule += ` ${JSON.stringify(params.allowedValue)}`;
    if (error.keyword === 'enum') rule += ` ${JSON.stringify(params.allowedValues)}`;
    if (error.keyword === 'additionalProperties') {
      return `${at} has unexpected property "${String(params.additionalProperty)}"`;
    }
    if (error.keyword === 'required') return `${at} ${rule}`;
    return `${at} ${rule} (received ${preview(valueAt(body, error.instancePath))})`;
  });
  if (errors.length > MAX_REPORTED_ERRORS) {
    lines.push(`… and ${errors.length - MAX_REPORTED_ERRORS} more`);
  }
  return lines;
}

function valueAt(body: unknown, pointer: string): unknown {
  let value = body;
  for (const part of pointer.split('/').slice(1)) {
    const key = part.replaceAll('~1', '/').replaceAll('~0', '~');
    value =
      value !== null && typeof value === 'object'
        ? (value as Record<string, unknown>)[key]
        : undefined;
  }
  return value;
}

/** A value as compact JSON, cut to `max` characters: details must stay readable. */
export function preview(value: unknown, max = 120): string {
  const text = value === undefined ? 'undefined' : JSON.stringify(value);
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
