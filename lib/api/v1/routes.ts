// Every route of /api/v1, in one table: parse (the route's zod schemas) → one domain function
// (the same ones the portal's and consoles' actions call, with the same actor) → JSON (the
// response schema). No rule lives here: scoping, permissions and state checks are the domain's.
import crypto from "node:crypto";
import { z } from "zod";
import * as S from "@/lib/schemas/api-v1";
import { customerRoute, staffRoute, type ApiRoute } from "./route-table";
import { listActivePlans, listActiveTemplates } from "@/lib/domain/catalog/list-plans";
import { listJails } from "@/lib/domain/jails/list-jails";
import { getJail } from "@/lib/domain/jails/get-jail";
import { orderJail } from "@/lib/domain/jails/order-jail";
import { restartJail, startJail, stopJail } from "@/lib/domain/jails/change-jail-power";
import { setRootPassword } from "@/lib/domain/jails/set-root-password";
import { addSshKey, removeSshKey } from "@/lib/domain/jails/manage-ssh-keys";
import { changeJailPlan } from "@/lib/domain/jails/change-jail-plan";
import { reinstallJail } from "@/lib/domain/jails/reinstall-jail";
import { cancelJail } from "@/lib/domain/jails/cancel-jail";
import { getJailUsage } from "@/lib/domain/jails/get-jail-usage";
import { listJailBackups } from "@/lib/domain/backups/list-jail-backups";
import { requestBackup } from "@/lib/domain/backups/request-backup";
import { restoreBackup } from "@/lib/domain/backups/restore-backup";
import { getCustomerBilling } from "@/lib/domain/billing/get-customer-billing";
import { getInvoiceForCustomer } from "@/lib/domain/billing/get-invoice";
import { getHost, listHosts } from "@/lib/domain/hosts/list-hosts";
import { getJob, listJobs } from "@/lib/domain/jobs/list-jobs";
import { cancelJob, retryJob } from "@/lib/domain/jobs/admin-jobs";
import { getBillingAccount, listBillingAccounts } from "@/lib/domain/billing/list-billing-accounts";
import { suspendAccount } from "@/lib/domain/billing/suspend-account";
import { unsuspendAccount } from "@/lib/domain/billing/unsuspend-account";
import { recordPayment } from "@/lib/domain/billing/record-payment";

const POWER = { start: startJail, stop: stopJail, restart: restartJail } as const;

const catalog: ApiRoute[] = [
  customerRoute({
    method: "GET",
    path: "/plans",
    operationId: "listPlans",
    summary: "Plans on sale",
    tag: "Catalog",
    scope: "read",
    status: 200,
    response: S.planList,
    handler: async () => ({ plans: await listActivePlans() }),
  }),
  customerRoute({
    method: "GET",
    path: "/templates",
    operationId: "listTemplates",
    summary: "Templates a jail can be ordered with",
    tag: "Catalog",
    scope: "read",
    status: 200,
    response: S.templateList,
    handler: async () => ({ templates: await listActiveTemplates() }),
  }),
];

const jails: ApiRoute[] = [
  customerRoute({
    method: "GET",
    path: "/jails",
    operationId: "listJails",
    summary: "Your jails, newest first",
    tag: "Jails",
    scope: "read",
    query: S.pageQuerySchema,
    status: 200,
    response: S.jailList,
    handler: ({ actor, query }) => listJails({ actor, page: query.page }),
  }),
  customerRoute({
    method: "POST",
    path: "/jails",
    operationId: "orderJail",
    summary: "Order a jail",
    description:
      "Places the jail on a host and queues its creation; the answer is the jail (state QUEUED). Poll GET /jails/{jailId} until its state is RUNNING. " +
      "Send an Idempotency-Key: a retry with the same key answers with the first jail instead of ordering another.",
    tag: "Jails",
    scope: "write",
    body: S.orderJailBody,
    status: 201,
    response: S.jail,
    handler: async ({ actor, body, requestKey }) => {
      const { jailId } = await orderJail({ actor, input: { ...body, orderKey: requestKey ?? crypto.randomUUID() } });
      return getJail({ actor, jailId });
    },
    location: (jail) => `/api/v1/jails/${jail.id as string}`,
  }),
  customerRoute({
    method: "GET",
    path: "/jails/{jailId}",
    operationId: "getJail",
    summary: "One jail: state, addresses, open tasks, keys and what may be done now",
    tag: "Jails",
    scope: "read",
    params: S.jailParams,
    status: 200,
    response: S.jail,
    handler: ({ actor, params }) => getJail({ actor, jailId: params.jailId }),
  }),
  ...(["start", "stop", "restart"] as const).map((verb) =>
    customerRoute({
      method: "POST",
      path: `/jails/{jailId}/${verb}`,
      operationId: `${verb}Jail`,
      summary: `${verb[0]!.toUpperCase()}${verb.slice(1)} the jail`,
      description: "Queues the change for the jail's host; poll the jail for its state.",
      tag: "Jails",
      scope: "write",
      params: S.jailParams,
      status: 202,
      response: S.queued,
      handler: ({ actor, params }) => POWER[verb]({ actor, jailId: params.jailId }),
    }),
  ),
  customerRoute({
    method: "PUT",
    path: "/jails/{jailId}/root-password",
    operationId: "setRootPassword",
    summary: "Set root's password (the jail must be running)",
    description: "Only its SHA-512 crypt hash is sent to the host; the password is never stored.",
    tag: "Jails",
    scope: "write",
    params: S.jailParams,
    body: S.rootPasswordBody,
    status: 202,
    response: S.queued,
    handler: ({ actor, params, body }) => setRootPassword({ actor, jailId: params.jailId, password: body.password }),
  }),
  customerRoute({
    method: "GET",
    path: "/jails/{jailId}/ssh-keys",
    operationId: "listSshKeys",
    summary: "root's SSH keys on the jail",
    tag: "Jails",
    scope: "read",
    params: S.jailParams,
    status: 200,
    response: z.object({ sshKeys: z.array(S.sshKey) }),
    handler: async ({ actor, params }) => ({ sshKeys: (await getJail({ actor, jailId: params.jailId })).sshKeys }),
  }),
  customerRoute({
    method: "POST",
    path: "/jails/{jailId}/ssh-keys",
    operationId: "addSshKey",
    summary: "Add a public key to root's authorized_keys",
    tag: "Jails",
    scope: "write",
    params: S.jailParams,
    body: S.addSshKeyBody,
    status: 201,
    response: S.sshKeyAdded,
    handler: ({ actor, params, body }) => addSshKey({ actor, jailId: params.jailId, key: body.publicKey, label: body.label }),
  }),
  customerRoute({
    method: "DELETE",
    path: "/jails/{jailId}/ssh-keys/{keyId}",
    operationId: "removeSshKey",
    summary: "Remove a key",
    tag: "Jails",
    scope: "write",
    params: S.sshKeyParams,
    status: 202,
    response: S.queued,
    handler: ({ actor, params }) => removeSshKey({ actor, jailId: params.jailId, keyId: params.keyId }),
  }),
  customerRoute({
    method: "PUT",
    path: "/jails/{jailId}/plan",
    operationId: "changePlan",
    summary: "Move the jail to another plan",
    tag: "Jails",
    scope: "write",
    params: S.jailParams,
    body: S.changePlanBody,
    status: 202,
    response: S.planChanged,
    handler: ({ actor, params, body }) => changeJailPlan({ actor, jailId: params.jailId, planSlug: body.plan }),
  }),
  customerRoute({
    method: "POST",
    path: "/jails/{jailId}/reinstall",
    operationId: "reinstallJail",
    summary: "Reinstall from the template (destroys the jail's data)",
    tag: "Jails",
    scope: "write",
    params: S.jailParams,
    body: S.reinstallBody,
    status: 202,
    response: S.queued,
    handler: ({ actor, params, body }) =>
      reinstallJail({ actor, jailId: params.jailId, confirmHostname: body.confirmHostname, rootPassword: body.rootPassword }),
  }),
  customerRoute({
    method: "POST",
    path: "/jails/{jailId}/cancel",
    operationId: "cancelJail",
    summary: "Cancel the jail (destroys it and its data)",
    tag: "Jails",
    scope: "write",
    params: S.jailParams,
    body: S.cancelBody,
    status: 202,
    response: S.queued,
    handler: ({ actor, params, body }) => cancelJail({ actor, jailId: params.jailId, confirmHostname: body.confirmHostname }),
  }),
  customerRoute({
    method: "GET",
    path: "/jails/{jailId}/usage",
    operationId: "getJailUsage",
    summary: "Disk, memory, CPU and transfer against the plan",
    tag: "Jails",
    scope: "read",
    params: S.jailParams,
    status: 200,
    response: S.jailUsage,
    handler: ({ actor, params }) => getJailUsage({ actor, jailId: params.jailId }),
  }),
];

const backups: ApiRoute[] = [
  customerRoute({
    method: "GET",
    path: "/jails/{jailId}/backups",
    operationId: "listBackups",
    summary: "The jail's backups, newest first",
    tag: "Backups",
    scope: "read",
    params: S.jailParams,
    status: 200,
    response: S.backupList,
    handler: async ({ actor, params }) => ({ backups: await listJailBackups({ actor, jailId: params.jailId }) }),
  }),
  customerRoute({
    method: "POST",
    path: "/jails/{jailId}/backups",
    operationId: "backUpJail",
    summary: "Back the jail up now",
    tag: "Backups",
    scope: "write",
    params: S.jailParams,
    status: 202,
    response: S.backupQueued,
    handler: ({ actor, params }) => requestBackup({ actor, jailId: params.jailId }),
  }),
  customerRoute({
    method: "POST",
    path: "/jails/{jailId}/backups/{backupId}/restore",
    operationId: "restoreBackup",
    summary: "Restore a backup (replaces the jail's files)",
    tag: "Backups",
    scope: "write",
    params: S.backupParams,
    body: S.restoreBody,
    status: 202,
    response: S.queued,
    handler: ({ actor, params, body }) =>
      restoreBackup({ actor, jailId: params.jailId, backupId: params.backupId, confirmHostname: body.confirmHostname }),
  }),
];

const invoices: ApiRoute[] = [
  customerRoute({
    method: "GET",
    path: "/invoices",
    operationId: "listInvoices",
    summary: "Your invoices (issued and later), balance due and credit",
    tag: "Invoices",
    scope: "read",
    status: 200,
    response: S.invoiceList,
    handler: ({ actor }) => getCustomerBilling({ actor }),
  }),
  customerRoute({
    method: "GET",
    path: "/invoices/{invoiceId}",
    operationId: "getInvoice",
    summary: "One invoice with its lines and payments",
    tag: "Invoices",
    scope: "read",
    params: S.invoiceParams,
    status: 200,
    response: S.invoice,
    handler: ({ actor, params }) => getInvoiceForCustomer({ actor, invoiceId: params.invoiceId }),
  }),
];

const staff: ApiRoute[] = [
  staffRoute({
    method: "GET",
    path: "/staff/hosts",
    operationId: "staffListHosts",
    summary: "The fleet's hosts with health and load",
    tag: "Staff: hosts",
    scope: "staff:read",
    area: "admin",
    query: S.pageQuerySchema,
    status: 200,
    response: S.hostList,
    handler: async ({ actor, query }) => {
      const { total, rows } = await listHosts({ actor, page: query.page });
      return { total, hosts: rows };
    },
  }),
  staffRoute({
    method: "GET",
    path: "/staff/hosts/{hostId}",
    operationId: "staffGetHost",
    summary: "One host with its jails and recent jobs",
    tag: "Staff: hosts",
    scope: "staff:read",
    area: "admin",
    params: S.hostParams,
    status: 200,
    response: S.hostDetail,
    handler: ({ actor, params }) => getHost({ actor, hostId: params.hostId }),
  }),
  staffRoute({
    method: "GET",
    path: "/staff/jobs",
    operationId: "staffListJobs",
    summary: "The fleet's jobs, newest first (keyset-paged)",
    tag: "Staff: jobs",
    scope: "staff:read",
    area: "admin",
    query: S.jobsQuery,
    status: 200,
    response: S.jobList,
    handler: async ({ actor, query }) => {
      const { after, before, ...filter } = query;
      const page = await listJobs({ actor, filter, cursor: { after, before } });
      return { jobs: page.rows, newer: page.newer, older: page.older };
    },
  }),
  staffRoute({
    method: "GET",
    path: "/staff/jobs/{jobId}",
    operationId: "staffGetJob",
    summary: "One job",
    tag: "Staff: jobs",
    scope: "staff:read",
    area: "admin",
    params: S.jobParams,
    status: 200,
    response: S.jobDetail,
    handler: ({ actor, params }) => getJob({ actor, jobId: params.jobId }),
  }),
  ...(["retry", "cancel"] as const).map((verb) =>
    staffRoute({
      method: "POST",
      path: `/staff/jobs/{jobId}/${verb}`,
      operationId: verb === "retry" ? "staffRetryJob" : "staffCancelJob",
      summary: verb === "retry" ? "Queue a failed job again" : "Cancel a job no agent has started",
      tag: "Staff: jobs",
      scope: "staff:write",
      area: "admin",
      params: S.jobParams,
      status: 200,
      response: S.jobChanged,
      handler: async ({ actor, params }) => {
        const job = await (verb === "retry" ? retryJob : cancelJob)({ actor, jobId: params.jobId });
        return { jobId: job.id, status: job.status };
      },
    }),
  ),
  staffRoute({
    method: "GET",
    path: "/staff/accounts",
    operationId: "staffListAccounts",
    summary: "Customer accounts with status and balance due, flagged first",
    tag: "Staff: accounts",
    scope: "staff:read",
    area: "billing",
    query: S.accountsQuery,
    status: 200,
    response: S.accountList,
    handler: async ({ actor, query }) => {
      const { rows, hasMore } = await listBillingAccounts({ actor, filter: query.filter, page: query.page });
      return { accounts: rows, hasMore };
    },
  }),
  staffRoute({
    method: "GET",
    path: "/staff/accounts/{accountId}",
    operationId: "staffGetAccount",
    summary: "One account: invoices, live jails, balance due",
    tag: "Staff: accounts",
    scope: "staff:read",
    area: "billing",
    params: S.accountParams,
    status: 200,
    response: S.accountDetail,
    handler: ({ actor, params }) => getBillingAccount({ actor, accountId: params.accountId }),
  }),
  staffRoute({
    method: "POST",
    path: "/staff/accounts/{accountId}/suspend",
    operationId: "staffSuspendAccount",
    summary: "Suspend an account (its running jails are stopped)",
    tag: "Staff: accounts",
    scope: "staff:write",
    area: "billing",
    params: S.accountParams,
    body: S.suspendBody,
    status: 200,
    response: S.suspended,
    handler: ({ actor, params, body }) => suspendAccount({ actor, accountId: params.accountId, reason: body.reason }),
  }),
  staffRoute({
    method: "POST",
    path: "/staff/accounts/{accountId}/unsuspend",
    operationId: "staffUnsuspendAccount",
    summary: "Lift a suspension (the jails it stopped start again)",
    tag: "Staff: accounts",
    scope: "staff:write",
    area: "billing",
    params: S.accountParams,
    status: 200,
    response: S.unsuspended,
    handler: ({ actor, params }) => unsuspendAccount({ actor, accountId: params.accountId }),
  }),
  staffRoute({
    method: "POST",
    path: "/staff/invoices/{invoiceId}/payments",
    operationId: "staffRecordPayment",
    summary: "Record a payment against an issued invoice",
    tag: "Staff: accounts",
    scope: "staff:write",
    area: "billing",
    params: S.invoiceParams,
    body: S.recordPaymentBody,
    status: 201,
    response: S.paymentRecorded,
    handler: async ({ actor, params, body }) => {
      const r = await recordPayment({
        actor,
        input: { invoiceId: params.invoiceId, amountCents: body.amount, method: body.method, reference: body.reference },
      });
      return { paymentId: r.payment.id, balanceCents: r.balanceCents, status: r.status };
    },
  }),
];

/** The API: every route it serves and documents. */
export const API_ROUTES: readonly ApiRoute[] = [...catalog, ...jails, ...backups, ...invoices, ...staff];
