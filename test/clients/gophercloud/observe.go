package main

import (
	"fmt"
	"net/http"
	"time"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack/loadbalancer/v2/l7policies"
	"github.com/gophercloud/gophercloud/v2/openstack/loadbalancer/v2/listeners"
	"github.com/gophercloud/gophercloud/v2/openstack/loadbalancer/v2/loadbalancers"
	"github.com/gophercloud/gophercloud/v2/openstack/loadbalancer/v2/monitors"
	"github.com/gophercloud/gophercloud/v2/openstack/loadbalancer/v2/pools"
)

// update sends one change, waits for the load balancer, and reads the object back: its status and the changed value.
func (t *tree) update(
	kind string,
	send func() (id, status string, err error),
	fetch func() (status string, value int, err error),
) (updated, error) {
	id, returned, err := send()
	if err != nil {
		return updated{}, fmt.Errorf("updating %s: %w", kind, err)
	}
	if _, err := t.settle(); err != nil {
		return updated{}, err
	}
	settled, value, err := fetch()
	if err != nil {
		return updated{}, fmt.Errorf("reading %s %s back: %w", kind, id, err)
	}
	return updated{Kind: kind, ID: id, Returned: returned, Settled: settled, Value: value}, nil
}

func (t *tree) updates() ([]updated, error) {
	web, app, first := t.ids["web"], t.ids["app"], t.ids["203.0.113.10"]
	limit, weight := 1000, 5
	listener, err := t.update("listener", func() (string, string, error) {
		l, err := listeners.Update(t.ctx, t.client, web, listeners.UpdateOpts{ConnLimit: &limit}).Extract()
		if err != nil {
			return "", "", err
		}
		return l.ID, l.ProvisioningStatus, nil
	}, func() (string, int, error) {
		l, err := listeners.Get(t.ctx, t.client, web).Extract()
		if err != nil {
			return "", 0, err
		}
		return l.ProvisioningStatus, l.ConnLimit, nil
	})
	if err != nil {
		return nil, err
	}
	member, err := t.update("member", func() (string, string, error) {
		m, err := pools.UpdateMember(t.ctx, t.client, app, first, pools.UpdateMemberOpts{Weight: &weight}).Extract()
		if err != nil {
			return "", "", err
		}
		return m.ID, m.ProvisioningStatus, nil
	}, func() (string, int, error) {
		m, err := pools.GetMember(t.ctx, t.client, app, first).Extract()
		if err != nil {
			return "", 0, err
		}
		return m.ProvisioningStatus, m.Weight, nil
	})
	if err != nil {
		return nil, err
	}
	return []updated{listener, member}, nil
}

// observe makes the updates, then reads the tree back the ways a Go user would: gets, listings and the status tree.
func (t *tree) observe(seen *observation) error {
	var err error
	if seen.Updates, err = t.updates(); err != nil {
		return err
	}
	listener, err := listeners.Get(t.ctx, t.client, t.ids["web"]).Extract()
	if err != nil {
		return fmt.Errorf("reading listener web: %w", err)
	}
	policyIDs := []string{}
	for _, policy := range listener.L7Policies {
		policyIDs = append(policyIDs, policy.ID)
	}
	seen.Listener = map[string]any{"id": listener.ID, "default_pool_id": listener.DefaultPoolID, "l7policies": policyIDs}

	monitor, err := monitors.Get(t.ctx, t.client, t.ids["app-monitor"]).Extract()
	if err != nil {
		return fmt.Errorf("reading the health monitor: %w", err)
	}
	monitorPool := ""
	if len(monitor.Pools) > 0 {
		monitorPool = monitor.Pools[0].ID
	}
	seen.Monitor = map[string]any{
		"id": monitor.ID, "pool_id": monitorPool, "type": monitor.Type, "delay": monitor.Delay,
		"timeout": monitor.Timeout, "max_retries": monitor.MaxRetries, "url_path": monitor.URLPath,
	}

	pages, err := pools.ListMembers(t.client, t.ids["app"], nil).AllPages(t.ctx)
	if err != nil {
		return fmt.Errorf("listing the members of pool app: %w", err)
	}
	members, err := pools.ExtractMembers(pages)
	if err != nil {
		return fmt.Errorf("reading the members of pool app: %w", err)
	}
	seen.Members = []map[string]any{}
	for _, m := range members {
		seen.Members = append(seen.Members, map[string]any{
			"id": m.ID, "address": m.Address, "protocol_port": m.ProtocolPort, "subnet_id": m.SubnetID,
			"weight": m.Weight, "provisioning_status": m.ProvisioningStatus,
		})
	}

	policy, err := l7policies.Get(t.ctx, t.client, t.ids["to-api"]).Extract()
	if err != nil {
		return fmt.Errorf("reading the L7 policy: %w", err)
	}
	ruleIDs := []string{}
	for _, rule := range policy.Rules {
		ruleIDs = append(ruleIDs, rule.ID)
	}
	seen.Policy = map[string]any{
		"id": policy.ID, "action": policy.Action, "redirect_pool_id": policy.RedirectPoolID, "rules": ruleIDs,
	}
	rulePages, err := l7policies.ListRules(t.client, policy.ID, nil).AllPages(t.ctx)
	if err != nil {
		return fmt.Errorf("listing the rules of the L7 policy: %w", err)
	}
	rules, err := l7policies.ExtractRules(rulePages)
	if err != nil {
		return fmt.Errorf("reading the rules of the L7 policy: %w", err)
	}
	seen.Rules = []map[string]any{}
	for _, r := range rules {
		seen.Rules = append(seen.Rules, map[string]any{
			"id": r.ID, "type": r.RuleType, "compare_type": r.CompareType, "value": r.Value,
			"provisioning_status": r.ProvisioningStatus,
		})
	}

	seen.StatusTree, err = t.statuses()
	return err
}

// statuses reads the status tree as gophercloud parses it.
func (t *tree) statuses() (statusTree, error) {
	statuses, err := loadbalancers.GetStatuses(t.ctx, t.client, t.lbID).Extract()
	if err != nil {
		return statusTree{}, fmt.Errorf("reading the status tree: %w", err)
	}
	if statuses.Loadbalancer == nil {
		return statusTree{}, fmt.Errorf("the status tree of %s has no loadbalancer", t.lbID)
	}
	lb := statuses.Loadbalancer
	out := statusTree{ID: lb.ID, ProvisioningStatus: lb.ProvisioningStatus, Listeners: []statusListener{}}
	for _, l := range lb.Listeners {
		listener := statusListener{ID: l.ID, ProvisioningStatus: l.ProvisioningStatus, Pools: []statusPool{}}
		for _, p := range l.Pools {
			pool := statusPool{ID: p.ID, ProvisioningStatus: p.ProvisioningStatus, Members: []statusMember{}}
			if p.Monitor.ID != "" {
				pool.HealthMonitor = &p.Monitor.ID
			}
			for _, m := range p.Members {
				pool.Members = append(pool.Members, statusMember{ID: m.ID, ProvisioningStatus: m.ProvisioningStatus})
			}
			listener.Pools = append(listener.Pools, pool)
		}
		out.Listeners = append(out.Listeners, listener)
	}
	return out, nil
}

// deleteCascade deletes the load balancer with everything on it, waits until its get is a 404, and lists what is left.
func (t *tree) deleteCascade() (map[string]any, error) {
	cascade := loadbalancers.DeleteOpts{Cascade: true}
	if err := loadbalancers.Delete(t.ctx, t.client, t.lbID, cascade).ExtractErr(); err != nil {
		return nil, fmt.Errorf("deleting load balancer %s with cascade: %w", t.lbID, err)
	}
	deadline := time.Now().Add(waitLimit)
	for {
		_, err := loadbalancers.Get(t.ctx, t.client, t.lbID).Extract()
		if gophercloud.ResponseCodeIs(err, http.StatusNotFound) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("polling load balancer %s while it is deleted: %w", t.lbID, err)
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("load balancer %s still there %s after the delete", t.lbID, waitLimit)
		}
		time.Sleep(pollInterval)
	}
	pages, err := loadbalancers.List(t.client, nil).AllPages(t.ctx)
	if err != nil {
		return nil, fmt.Errorf("listing load balancers: %w", err)
	}
	lbs, err := loadbalancers.ExtractLoadBalancers(pages)
	if err != nil {
		return nil, fmt.Errorf("reading the load balancer listing: %w", err)
	}
	listed := []string{}
	for _, lb := range lbs {
		listed = append(listed, lb.ID)
	}
	return map[string]any{"get_status": http.StatusNotFound, "listed": listed}, nil
}
