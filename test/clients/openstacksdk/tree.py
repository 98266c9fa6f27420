"""Octavia's whole object tree through openstacksdk's load_balancer proxy.

Logs in to Keystone with a password (OS_AUTH_URL, OS_USERNAME, OS_PASSWORD, OS_PROJECT_NAME), finds the API in the
service catalog, builds a load balancer with two listeners, their pools, members, a health monitor and an L7 policy
with a rule, waiting for the load balancer to be ACTIVE after each change as the SDK's users do; updates a listener
and a member; reads the status tree; cascade-deletes the load balancer. Prints one JSON document of what it saw on
stdout. Any refusal by the API raises, and the traceback on stderr names the request and the response.
"""

import importlib.metadata
import json
import os
import sys

import openstack
from openstack import exceptions

#: Seconds between two polls of the load balancer; the noop drivers finish a change in well under a second.
POLL_INTERVAL = 0.1
#: Seconds a change may take before the script gives up.
WAIT_SECONDS = 60


def connect():
    """A connection authenticated with the Keystone password the environment names.

    v3password, as the CLI tests use: the generic password plugin first discovers the identity API's versions with a
    GET of the auth URL, which the fake Keystone does not serve.
    """
    return openstack.connect(
        auth_type='v3password',
        auth_url=os.environ['OS_AUTH_URL'],
        username=os.environ['OS_USERNAME'],
        password=os.environ['OS_PASSWORD'],
        project_name=os.environ['OS_PROJECT_NAME'],
        user_domain_name='Default',
        project_domain_name='Default',
        interface='public',
    )


def settle(lb_api, lb_id):
    """Waits until the load balancer is ACTIVE again and returns its provisioning status."""
    lb = lb_api.wait_for_load_balancer(lb_id, interval=POLL_INTERVAL, wait=WAIT_SECONDS)
    return lb.provisioning_status


def build_tree(lb_api, lb_id):
    """Creates the listeners, pools, members, monitor, policy and rule; returns their records and the objects."""
    records = []

    def add(kind, name, make, fetch):
        """Runs one create, waits for the load balancer, and records the object's status before and after."""
        created = make()
        # The SDK's gets refresh a resource in place: read what the create returned before anything else does.
        record = {'kind': kind, 'name': name, 'id': created.id, 'created': created.provisioning_status}
        settle(lb_api, lb_id)
        record['settled'] = fetch(created.id).provisioning_status
        records.append(record)
        return created

    web = add(
        'listener',
        'web',
        lambda: lb_api.create_listener(name='web', load_balancer_id=lb_id, protocol='HTTP', protocol_port=80),
        lb_api.get_listener,
    )
    app = add(
        'pool',
        'app',
        lambda: lb_api.create_pool(name='app', listener_id=web.id, protocol='HTTP', lb_algorithm='ROUND_ROBIN'),
        lb_api.get_pool,
    )
    members = [
        add(
            'member',
            address,
            lambda address=address: lb_api.create_member(
                app, address=address, protocol_port=8080, subnet_id='member-subnet-a'
            ),
            lambda found: lb_api.get_member(found, app),
        )
        for address in ('203.0.113.10', '203.0.113.11')
    ]
    monitor = add(
        'healthmonitor',
        'app-monitor',
        lambda: lb_api.create_health_monitor(
            name='app-monitor', pool_id=app.id, type='HTTP', delay=5, timeout=3, max_retries=3, url_path='/healthz'
        ),
        lb_api.get_health_monitor,
    )
    api = add(
        'pool',
        'api',
        lambda: lb_api.create_pool(
            name='api', loadbalancer_id=lb_id, protocol='HTTP', lb_algorithm='LEAST_CONNECTIONS'
        ),
        lb_api.get_pool,
    )
    policy = add(
        'l7policy',
        'to-api',
        lambda: lb_api.create_l7_policy(
            name='to-api', listener_id=web.id, action='REDIRECT_TO_POOL', redirect_pool_id=api.id
        ),
        lb_api.get_l7_policy,
    )
    add(
        'l7rule',
        'api-path',
        lambda: lb_api.create_l7_rule(policy, type='PATH', compare_type='STARTS_WITH', rule_value='/api'),
        lambda found: lb_api.get_l7_rule(found, policy),
    )
    tls = add(
        'listener',
        'tls',
        lambda: lb_api.create_listener(name='tls', load_balancer_id=lb_id, protocol='TCP', protocol_port=443),
        lb_api.get_listener,
    )
    add(
        'pool',
        'passthrough',
        lambda: lb_api.create_pool(name='passthrough', listener_id=tls.id, protocol='TCP', lb_algorithm='SOURCE_IP'),
        lb_api.get_pool,
    )
    return records, {'web': web, 'app': app, 'members': members, 'monitor': monitor, 'policy': policy}


def updates(lb_api, lb_id, tree):
    """One update each of a listener and a member, as records of what they returned and where they landed."""
    web, app, first = tree['web'].id, tree['app'].id, tree['members'][0].id

    def update(kind, field, send, fetch):
        """Runs one update, waits for the load balancer, and records the object before and after."""
        returned = send().provisioning_status
        settle(lb_api, lb_id)
        fetched = fetch()
        return {
            'kind': kind,
            'id': fetched.id,
            'returned': returned,
            'settled': fetched.provisioning_status,
            'value': getattr(fetched, field),
        }

    return [
        update(
            'listener',
            'connection_limit',
            lambda: lb_api.update_listener(web, connection_limit=1000),
            lambda: lb_api.get_listener(web),
        ),
        update(
            'member',
            'weight',
            lambda: lb_api.update_member(first, app, weight=5),
            lambda: lb_api.get_member(first, app),
        ),
    ]


def read_back(lb_api, tree):
    """The tree as the SDK's gets and listings show it once every change landed."""
    listener = lb_api.get_listener(tree['web'].id)
    monitor = lb_api.get_health_monitor(tree['monitor'].id)
    policy = lb_api.get_l7_policy(tree['policy'].id)
    return {
        'listener': {
            'id': listener.id,
            'default_pool_id': listener.default_pool_id,
            'l7policies': [each['id'] for each in listener.l7_policies],
        },
        'monitor': {
            'id': monitor.id,
            'pool_id': (monitor.pools or [{}])[0].get('id'),
            'type': monitor.type,
            'delay': monitor.delay,
            'timeout': monitor.timeout,
            'max_retries': monitor.max_retries,
            'url_path': monitor.url_path,
        },
        'members': [
            {
                'id': member.id,
                'address': member.address,
                'protocol_port': member.protocol_port,
                'subnet_id': member.subnet_id,
                'weight': member.weight,
                'provisioning_status': member.provisioning_status,
            }
            for member in lb_api.members(tree['app'].id)
        ],
        'policy': {
            'id': policy.id,
            'action': policy.action,
            'redirect_pool_id': policy.redirect_pool_id,
            'rules': [each['id'] for each in policy.rules],
        },
        'rules': [
            {
                'id': rule.id,
                'type': rule.type,
                'compare_type': rule.compare_type,
                'value': rule.rule_value,
                'provisioning_status': rule.provisioning_status,
            }
            for rule in lb_api.l7_rules(policy.id)
        ],
    }


def status_tree(lb_api, lb_id):
    """The load balancer's status tree (the SDK has no call for it: a GET through the proxy's own session)."""
    response = lb_api.get(f'/lbaas/loadbalancers/{lb_id}/status')
    exceptions.raise_from_response(response)
    body = response.json()
    lb = body['statuses']['loadbalancer']
    return {
        'id': lb['id'],
        'provisioning_status': lb['provisioning_status'],
        'listeners': [
            {
                'id': listener['id'],
                'provisioning_status': listener['provisioning_status'],
                'pools': [
                    {
                        'id': pool['id'],
                        'provisioning_status': pool['provisioning_status'],
                        'health_monitor': (pool.get('health_monitor') or {}).get('id'),
                        'members': [
                            {'id': member['id'], 'provisioning_status': member['provisioning_status']}
                            for member in pool.get('members', [])
                        ],
                    }
                    for pool in listener.get('pools', [])
                ],
            }
            for listener in lb.get('listeners', [])
        ],
    }


def delete_cascade(lb_api, lb):
    """Deletes the load balancer with everything on it and waits until a get of it is a 404."""
    lb_api.delete_load_balancer(lb, cascade=True)
    lb_api.wait_for_delete(lb, interval=POLL_INTERVAL, wait=WAIT_SECONDS)
    try:
        lb_api.get_load_balancer(lb.id)
        status = 200
    except exceptions.NotFoundException as err:
        status = err.status_code
    return {'get_status': status, 'listed': [each.id for each in lb_api.load_balancers()]}


def main():
    lb_api = connect().load_balancer
    lb = lb_api.create_load_balancer(name='shop', vip_subnet_id='vip-subnet')
    observed = {
        'client': 'openstacksdk ' + importlib.metadata.version('openstacksdk'),
        'loadbalancer': {'id': lb.id, 'created': lb.provisioning_status, 'settled': settle(lb_api, lb.id)},
    }
    observed['objects'], tree = build_tree(lb_api, lb.id)
    observed['updates'] = updates(lb_api, lb.id, tree)
    observed.update(read_back(lb_api, tree))
    observed['status_tree'] = status_tree(lb_api, lb.id)
    observed['deleted'] = delete_cascade(lb_api, lb)
    json.dump(observed, sys.stdout, indent=2)
    print()


if __name__ == '__main__':
    main()
