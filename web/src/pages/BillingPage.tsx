// /billing: the month-to-date balance, usage of a chosen period, invoices with their items, and the estimates
// calculator. Amounts are the API's decimal strings shown verbatim. A server without the billing routes (404) says so.
import { ApiError } from "../api/client";
import { getBalance, usd } from "../api/billing";
import { EstimateCalculator } from "../components/EstimateCalculator";
import { Invoices } from "../components/Invoices";
import { ProblemMessage } from "../components/ProblemMessage";
import { UsageTable } from "../components/UsageTable";
import { formatTime } from "../format";
import { useResource } from "../hooks/useResource";

/** Balance changes by the second; a minute is fresh enough for a page someone reads. */
const BALANCE_POLL_MS = 60_000;

export function BillingPage() {
  const balance = useResource(async (signal) => (await getBalance(signal)).data, [], { pollMs: BALANCE_POLL_MS });
  if (balance.error instanceof ApiError && balance.error.status === 404) {
    return (
      <div className="page">
        <p className="muted" data-testid="billing-unavailable">
          This server does not offer billing yet.
        </p>
        <EstimateCalculator />
      </div>
    );
  }
  const b = balance.data;
  return (
    <div className="page">
      <section className="panel" aria-label="Balance" data-testid="billing-balance">
        <header className="panel-header">
          <h2>Balance</h2>
          <span className="total">{b ? `as of ${formatTime(b.generated_at)}` : ""}</span>
        </header>
        <ProblemMessage error={balance.error} onReload={() => balance.reload()} />
        {b && (
          <dl className="facts">
            <dt>Usage this month</dt>
            <dd data-testid="balance-usage">{usd(b.month_to_date_usage)}</dd>
            <dt>Balance this month</dt>
            <dd data-testid="balance-month">{usd(b.month_to_date_balance)}</dd>
            <dt>Account balance</dt>
            <dd data-testid="balance-account">{usd(b.account_balance)}</dd>
          </dl>
        )}
      </section>
      <UsageTable />
      <Invoices />
      <EstimateCalculator />
    </div>
  );
}
