import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Day, Id, Strict, errors } from '../http/schemas.js';
import { actorOf, type StaffAuth } from '../staff/auth.js';
import { reportService, type ReportSources } from './service.js';

const security = [{ bearer: [] }];
const tags = ['admin'];

export interface ReportDeps extends ReportSources {
  auth: StaffAuth;
}

/** What the live dashboard shows, and the exports. */
export const reportRoutes =
  (deps: ReportDeps): FastifyPluginAsyncTypebox =>
  async (app) => {
    const reports = reportService(deps);
    app.addHook('preValidation', deps.auth.require('admin'));

    app.get(
      '/api/v1/admin/dashboard',
      { schema: { tags, security, summary: 'One reading for the live dashboard: line, admissions, bookings, capacity, messages, requests' } },
      async () => reports.dashboard(),
    );

    app.get(
      '/api/v1/admin/exports/appointments.csv',
      {
        schema: {
          tags,
          security,
          summary: 'A centre’s appointments of a day as CSV (semicolon-separated, UTF-8 with BOM, for spreadsheet programs set to German)',
          querystring: Strict({ centerId: Id, day: Day }),
          response: errors(400, 401, 403, 404),
        },
      },
      async (request, reply) => {
        const { centerId, day } = request.query;
        const csv = await reports.appointmentsCsv(actorOf(request), centerId, day);
        return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="termine-${centerId}-${day}.csv"`).send(csv);
      },
    );
  };
